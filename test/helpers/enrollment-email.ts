import { outboxModel } from '../../provider/mail/outbox-model.ts';
import type { Browser, Page } from './browser.ts';
import type { TestServer } from './test-server.ts';

/** The first-factor confirmation mails sent to `email` so far (the development outbox), oldest first. */
async function codeMails(server: TestServer, email: string) {
  const mails = await outboxModel(server.connection).find({ to: email }).lean();
  return mails
    .filter((mail) => mail.kind === 'mfa-email-code')
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** How many confirmation codes were mailed to `email`. */
export async function enrollmentCodeMails(server: TestServer, email: string): Promise<number> {
  return (await codeMails(server, email)).length;
}

/** The newest confirmation code mailed to `email`, read from the development outbox as the owner would. */
export async function mailedEnrollmentCode(server: TestServer, email: string): Promise<string> {
  const mail = (await codeMails(server, email)).at(-1);
  const code = mail?.text ? /^ {4}(\d{6})$/m.exec(mail.text)?.[1] : undefined;
  if (!code) throw new Error(`no enrollment code mailed to ${email}`);
  return code;
}

/**
 * The owner's way past the mailed-code step of a first factor's enrollment: the code from the
 * mail, typed into the screen (the form ending in `action`). A page without that step is returned as is.
 */
export async function proveEmail(
  server: TestServer,
  browser: Browser,
  page: Page,
  email: string,
  action = '/mfa/email',
): Promise<Page> {
  if (!page.html.includes('id="email-code"')) return page;
  return browser.submit(page, action, { code: await mailedEnrollmentCode(server, email) });
}
