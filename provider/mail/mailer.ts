import { randomUUID } from 'node:crypto';

import type { DatabaseOutage } from '../observability/database-outage.ts';
import type { Connection } from 'mongoose';
import nodemailer, { type Transporter } from 'nodemailer';

import type { MailConfig } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { linksIn } from './links-in.ts';
import { MailTemplates } from './mail-templates.ts';
import { outboxModel, type OutboxRecord } from './outbox-model.ts';
import { retryDelay } from './retry-delay.ts';
import { claimDelivery, dueDeliveries } from '../queue/delivery-claim.ts';

const KEEP_FINISHED_MS = 7 * 24 * 60 * 60 * 1000;

interface MailToSend {
  /** the template under views/email/ */
  kind: string;
  to: string;
  data: Record<string, unknown>;
}

/**
 * Every mail goes through the outbox in MongoDB: `send()` stores it and returns, so no response
 * waits for an SMTP server; delivery runs right after in the background and, when it fails, again
 * later (MAIL_RETRY_SECONDS, doubling) until MAIL_MAX_ATTEMPTS, from any instance. In development
 * without SMTP_URL a mail is kept as `logged`, written to the log with its links, and listed at
 * /dev/mail instead of being sent.
 */
export class Mailer {
  readonly #failed: (err: unknown) => void;
  readonly #connection: Connection;
  readonly #config: MailConfig;
  readonly #logger: Logger;
  readonly #metrics: Pick<Metrics, 'mail'>;
  readonly #templates = new MailTemplates();
  readonly #transport: Transporter | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(deps: {
    connection: Connection;
    config: MailConfig;
    logger: Logger;
    metrics: Pick<Metrics, 'mail'>;
    /** where a failed step goes: counted during a database outage, logged otherwise */
    outage?: Pick<DatabaseOutage, 'jobFailed'>;
  }) {
    this.#failed = deps.outage
      ? (err) => deps.outage!.jobFailed('mail', err, 'mail delivery step failed')
      : (err) => deps.logger.warn({ err }, 'mail delivery step failed');
    this.#connection = deps.connection;
    this.#config = deps.config;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    const timeout = deps.config.sendTimeoutMs;
    this.#transport =
      deps.config.mode === 'smtp'
        ? nodemailer.createTransport({
            url: deps.config.smtpUrl,
            connectionTimeout: timeout,
            greetingTimeout: timeout,
            socketTimeout: timeout,
          })
        : undefined;
  }

  /** False in production without SMTP_URL: the features that need mail are off. */
  get enabled(): boolean {
    return this.#config.mode !== 'off';
  }

  /** Stores the mail and starts its delivery; resolves once it is safely in the outbox. */
  async send(mail: MailToSend): Promise<void> {
    if (!this.enabled) return;
    const rendered = this.#templates.render(mail.kind, mail.data);
    const now = new Date();
    const logged = this.#config.mode === 'log';
    const record: OutboxRecord = {
      _id: randomUUID(),
      kind: mail.kind,
      to: mail.to,
      ...rendered,
      status: logged ? 'logged' : 'pending',
      attempts: 0,
      nextTryAt: now,
      createdAt: now,
      expiresAt: logged ? new Date(now.getTime() + KEEP_FINISHED_MS) : null,
    };
    await outboxModel(this.#connection).insertMany([record]);
    if (logged) {
      // On the embedded development database the link is the point; on a real database (NODE_ENV
      // forgotten) a reset link in a log line would be a secret anyone with the logs could use.
      const links = this.#config.devPage ? { links: linksIn(rendered.text) } : {};
      this.#logger.info(
        { mail: { kind: mail.kind, to: mail.to, subject: rendered.subject, ...links } },
        this.#config.devPage ? 'mail not sent (no SMTP_URL): see /dev/mail' : 'mail not sent (no SMTP_URL)',
      );
      return;
    }
    this.#track(this.#deliver(record._id));
  }

  /** Tries every mail that is due (a retry, or one an instance claimed and never finished). */
  async deliverDue(): Promise<void> {
    const due = await dueDeliveries(outboxModel(this.#connection));
    await Promise.all(due.map((mail) => this.#deliver(mail._id)));
  }

  /** Retries in the background every MAIL_RETRY_SECONDS (at most every 30 s). */
  start(): void {
    if (this.#config.mode !== 'smtp' || this.#timer) return;
    const every = Math.min(this.#config.retrySeconds, 30) * 1000;
    this.#timer = setInterval(() => this.#track(this.deliverDue()), every);
    this.#timer.unref();
  }

  /** Stops retrying and waits for the deliveries under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#inFlight]);
    this.#transport?.close();
  }

  /**
   * Runs mail work after the response (a reset link for an account that exists must not take
   * longer to answer than one for an address that does not); stop() waits for it.
   */
  inBackground(work: () => Promise<unknown>): void {
    this.#track(work());
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch(this.#failed);
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  /** Claims one mail (queue/delivery-claim.ts: no two instances send it), then sends it. */
  async #deliver(id: string): Promise<void> {
    const Outbox = outboxModel(this.#connection);
    const mail = await Outbox.findById(id).lean<OutboxRecord>();
    if (!mail || !this.#transport) return;
    if (!(await claimDelivery(Outbox, mail))) return;
    const attempts = mail.attempts + 1;
    try {
      await this.#transport.sendMail({
        from: this.#config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text ?? '',
        html: mail.html ?? undefined,
      });
    } catch (err) {
      const final = attempts >= this.#config.maxAttempts;
      const lastError = describe(err);
      await Outbox.updateOne(
        { _id: id },
        final
          ? {
              $set: {
                status: 'failed',
                lastError,
                lockedUntil: null,
                expiresAt: new Date(Date.now() + KEEP_FINISHED_MS),
              },
              $unset: { text: 1, html: 1 },
            }
          : {
              $set: {
                status: 'pending',
                lastError,
                lockedUntil: null,
                nextTryAt: new Date(Date.now() + retryDelay(attempts, this.#config.retrySeconds) * 1000),
              },
            },
      );
      this.#metrics.mail.inc({ kind: mail.kind, outcome: final ? 'given_up' : 'retry' });
      this.#logger.warn(
        { mail: { id, kind: mail.kind, attempts, error: lastError } },
        final ? 'mail given up' : 'mail not sent yet: will retry',
      );
      return;
    }
    await Outbox.updateOne(
      { _id: id },
      {
        $set: {
          status: 'sent',
          sentAt: new Date(),
          lockedUntil: null,
          expiresAt: new Date(Date.now() + KEEP_FINISHED_MS),
        },
        // The bodies may hold a one-time link: not kept once it is out.
        $unset: { text: 1, html: 1 },
      },
    );
    this.#metrics.mail.inc({ kind: mail.kind, outcome: 'sent' });
  }
}

/** An SMTP error as code and message only: nodemailer's errors can carry the whole command. */
function describe(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  return `${code ?? 'ERROR'}: ${(message ?? String(err)).split('\n')[0]!.slice(0, 200)}`;
}
