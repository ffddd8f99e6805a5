import { expect } from 'chai';

import { grantAdmin } from '../../provider/admin/admin-api-resource.ts';
import { startEnrollment } from '../../provider/mfa/enrollment.ts';
import { outboxModel } from '../../provider/mail/outbox-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { emailProofModel } from '../../provider/mfa/email-proof-model.ts';
import { mfaModel } from '../../provider/mfa/mfa-model.ts';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { enrollmentCodeMails, mailedEnrollmentCode, proveEmail } from '../helpers/enrollment-email.ts';
import { addUser, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { continueLink, mfaDepsFor, recoveryCodesOnPage, secretOnPage, totpCode } from '../helpers/totp.ts';

const ENCRYPTION_KEY = Buffer.alloc(32, 23).toString('base64');

/**
 * An account made an administrator before it has a second factor: whoever knows its password
 * must not be able to set up their own authenticator app and walk into the console. Each test
 * plays the attacker through HTTP, with the password only (an attack review found it working).
 */
describe('attack: claiming an administrator without a second factor with its password', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer('attack-first-factor', { MFA_ENCRYPTION_KEY: ENCRYPTION_KEY });
  });
  after(() => server.stop());

  async function adminWithoutFactor(): Promise<TestUser> {
    const user = await addUser(server);
    await grantAdmin(server.connection, server.issuer, user.id, 'admin');
    return user;
  }

  const hasFactor = async (user: TestUser) =>
    !!(await mfaModel(server.connection).findById(user.id).lean())?.totpSecret;

  /** Through the TOTP screen the attacker's app would see, if one is shown. */
  async function enrollOwnApp(browser: Browser, page: Page, action: string): Promise<Page> {
    if (!page.html.includes('totp-secret')) return page;
    const codes = await browser.submit(page, action, { code: await totpCode(secretOnPage(page)) });
    if (recoveryCodesOnPage(codes).length === 0 || !codes.html.includes('class="button"')) return codes;
    return browser.open(continueLink(codes));
  }

  it('the forced enrollment at /admin/login does not let the password alone set up the first factor', async () => {
    const user = await adminWithoutFactor();
    const browser = new Browser(server.issuer);
    const login = await browser.open('/admin');
    const enroll = await browser.submit(login, '/login', { email: user.email, password: user.password });
    const after = await enrollOwnApp(browser, enroll, '/mfa/enroll');
    expect(after.url.pathname, 'the console is not reached').to.not.equal('/admin');
    expect((await browser.fetch('/admin')).status).to.equal(302);
    expect(await hasFactor(user)).to.equal(false);
  });

  it('a pending secret planted and a valid code for it are refused at the enroll route without the email proof', async () => {
    const user = await adminWithoutFactor();
    const browser = new Browser(server.issuer);
    const login = await browser.open('/admin');
    const prompt = await browser.submit(login, '/login', { email: user.email, password: user.password });
    const csrf = /name="csrf" value="([^"]+)"/.exec(prompt.html)![1]!;
    const { secret } = await startEnrollment(mfaDepsFor(server, ENCRYPTION_KEY), user.id, user.email);
    const response = await browser.fetch(new URL(`${prompt.url.pathname}/mfa/enroll`, server.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, code: await totpCode(secret) }).toString(),
    });
    expect(response.status).to.be.oneOf([400, 403]);
    expect(await response.text()).to.not.include('recovery');
    expect(await hasFactor(user)).to.equal(false);
  });

  it('the account page does not let a password-only session add the first factor of an administrator', async () => {
    const user = await adminWithoutFactor();
    const browser = new Browser(server.issuer);
    const login = await browser.open('/account');
    const account = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(account.url.pathname).to.equal('/account');
    const enroll = await browser.submit(account, '/mfa/start');
    const after = await enrollOwnApp(browser, enroll, '/mfa/activate');
    expect(after.html).to.not.include('Save your recovery codes');
    expect(await hasFactor(user)).to.equal(false);
    expect((await browser.fetch('/admin')).status, 'the console is not reached').to.equal(302);

    // Nor a passkey as its first factor.
    const { csrf } = parseForms(account.html).find((form) => form.action === '/account/passkeys')!.fields;
    const options = await browser.fetch('/account/passkeys/options', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: csrf! }).toString(),
    });
    expect(options.status).to.equal(403);
    expect(await options.text()).to.not.include('challenge');
  });

  /** /admin → password → the first factor's enrollment, stopped at the mailed-code step. */
  async function atCodeStep(user: TestUser): Promise<{ browser: Browser; page: Page }> {
    const browser = new Browser(server.issuer);
    const login = await browser.open('/admin');
    const page = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(page.html).to.include('id="email-code"');
    expect(page.html).to.not.include('totp-secret');
    return { browser, page };
  }

  it('the owner, who reads the mail, enters the code, enrolls the app and reaches the console', async () => {
    const user = await adminWithoutFactor();
    const { browser, page } = await atCodeStep(user);
    const masked = `${user.email[0]}***${user.email.slice(user.email.indexOf('@'))}`;
    expect(page.html).to.include(`we sent a code to <strong id="proof-email">${masked}</strong>`);
    expect(page.html).to.not.include(user.email);
    // A reload shows the same step and sends nothing more.
    expect(await enrollmentCodeMails(server, user.email)).to.equal(1);
    await browser.open(page.url);
    expect(await enrollmentCodeMails(server, user.email)).to.equal(1);
    // The code is stored only as a keyed hash, and is not in the subject (which the log shows).
    const code = await mailedEnrollmentCode(server, user.email);
    expect((await emailProofModel(server.connection).findById(user.id).lean())?.codeHash).to.not.include(code);
    const mail = (await outboxModel(server.connection).find({ to: user.email }).lean()).find(
      (sent) => sent.kind === 'mfa-email-code',
    );
    expect(mail?.subject).to.equal('Your code to set up two-step verification');

    const enroll = await proveEmail(server, browser, page, user.email);
    expect(enroll.html).to.include('totp-secret');
    const codes = await browser.submit(enroll, '/mfa/enroll', { code: await totpCode(secretOnPage(enroll)) });
    expect(recoveryCodesOnPage(codes)).to.have.length(10);
    const console = await browser.open(continueLink(codes));
    expect(console.url.pathname).to.equal('/admin');
    expect(console.html).to.include('Dashboard');
    expect(await emailProofModel(server.connection).countDocuments({ _id: user.id }), 'the proof is spent').to.equal(0);
  });

  it('a code works once, only for the sign-in it was sent for, and not after it expires', async () => {
    const user = await adminWithoutFactor();
    const first = await atCodeStep(user);
    const code = await mailedEnrollmentCode(server, user.email);

    // Another sign-in (the attacker's, say) cannot use the code mailed for this one.
    const other = await atCodeStep(user);
    const elsewhere = await other.browser.submit(other.page, '/mfa/email', { code });
    expect(elsewhere.status).to.equal(401);
    expect(elsewhere.html).to.not.include('totp-secret');

    // The code, once it is past its time, is refused; a new one is sent on request.
    await emailProofModel(server.connection).updateOne({ _id: user.id }, { $set: { codeExpiresAt: new Date(0) } });
    const late = await first.browser.submit(first.page, '/mfa/email', { code });
    expect(late.status).to.equal(401);
    expect(late.html).to.include('expired');
    const resent = await first.browser.submit(late, '/mfa/email/send');
    expect(resent.html).to.include('We sent you a new code.');
    const fresh = await mailedEnrollmentCode(server, user.email);
    const proven = await first.browser.submit(resent, '/mfa/email', { code: fresh });
    expect(proven.html).to.include('totp-secret');
    const again = await first.browser.submit(resent, '/mfa/email', { code: fresh });
    expect(again.status, 'single use').to.equal(401);
  });

  it('guessing is bounded: five wrong codes kill the code, and new codes are limited per hour', async () => {
    const user = await adminWithoutFactor();
    const { browser, page } = await atCodeStep(user);
    const code = await mailedEnrollmentCode(server, user.email);
    const wrong = code === '000000' ? '000001' : '000000';
    let current = page;
    for (let i = 0; i < 5; i += 1) {
      current = await browser.submit(current, '/mfa/email', { code: wrong });
      expect(current.status).to.equal(401);
    }
    const right = await browser.submit(current, '/mfa/email', { code });
    expect(right.status).to.equal(429);
    expect(right.html).to.not.include('totp-secret');
    const failures = await auditModel(server.connection)
      .find({ event: 'mfa.email_proof_failed', account: user.id })
      .sort({ seq: 1 })
      .lean<{ details?: { reason?: string } }[]>();
    expect(failures.map((record) => record.details?.reason)).to.deep.equal([...Array(5).fill('wrong'), 'too_many']);

    // Five codes an hour in all (the first was sent on the first view).
    for (let i = 0; i < 4; i += 1) expect((await browser.submit(current, '/mfa/email/send')).status).to.equal(200);
    const refused = await browser.submit(current, '/mfa/email/send');
    expect(refused.status).to.equal(429);
    expect(await enrollmentCodeMails(server, user.email)).to.equal(5);
  });

  it('on the account page the owner proves the email, then adds the app', async () => {
    const user = await adminWithoutFactor();
    const browser = new Browser(server.issuer);
    const login = await browser.open('/account');
    const account = await browser.submit(login, '/login', { email: user.email, password: user.password });
    const step = await browser.submit(account, '/mfa/start');
    expect(step.html).to.include('id="email-code"');
    const enroll = await proveEmail(server, browser, step, user.email);
    const codes = await browser.submit(enroll, '/mfa/activate', { code: await totpCode(secretOnPage(enroll)) });
    expect(codes.html).to.include('Save your recovery codes');
    expect(await hasFactor(user)).to.equal(true);
  });

  it('an account that is not an administrator enrolls as before (MFA_POLICY=optional)', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const login = await browser.open('/account');
    const account = await browser.submit(login, '/login', { email: user.email, password: user.password });
    const enroll = await browser.submit(account, '/mfa/start');
    expect(enroll.html).to.include('totp-secret');
    expect(await enrollmentCodeMails(server, user.email)).to.equal(0);
  });
});
