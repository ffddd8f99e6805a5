import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

import { freePort } from '../../scripts/free-port.ts';

/**
 * A real SMTP server in the test process (the `smtp-server` package) that keeps what arrives,
 * parsed (`mailparser`): the provider's mail goes over a real SMTP exchange, and tests read it
 * like a user would, links included.
 */
export class SmtpInbox {
  readonly mails: ParsedMail[] = [];
  readonly port: number;
  readonly #server: SMTPServer;

  private constructor(port: number) {
    this.port = port;
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, done) => {
        simpleParser(stream)
          .then((mail) => {
            this.mails.push(mail);
            done();
          })
          .catch(done);
      },
    });
  }

  /** Listens on 127.0.0.1, on `port` if given (a server that was down comes back there). */
  static async start(port?: number): Promise<SmtpInbox> {
    const inbox = new SmtpInbox(port ?? (await freePort()));
    await new Promise<void>((resolve, reject) => {
      inbox.#server.once('error', reject);
      inbox.#server.listen(inbox.port, '127.0.0.1', () => resolve());
    });
    return inbox;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The first mail to `to` whose subject matches, waiting for it (bounded). */
  async waitFor(to: string, subject: RegExp, timeoutMs = 10_000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.find(
        (mail) => mail.to !== undefined && JSON.stringify(mail.to).includes(to) && subject.test(mail.subject ?? ''),
      );
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  mailsTo(to: string): ParsedMail[] {
    return this.mails.filter((mail) => JSON.stringify(mail.to ?? '').includes(to));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const link = (mail.text ?? '').split(/\s+/).find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`no link starting with ${prefix} in:\n${mail.text}`);
  return link;
}
