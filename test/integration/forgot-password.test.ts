import { expect } from 'chai';
import * as oidc from 'openid-client';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { accountLinkModel } from '../../provider/accounts/account-link-model.ts';
import { outboxModel } from '../../provider/mail/outbox-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { errorText, loginScreen } from '../helpers/login-attempt.ts';
import { authorizationRequest, relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { addPasskey } from '../helpers/passkeys.ts';
import { openAccount } from '../helpers/account-page.ts';
import { rawRequest } from '../helpers/raw-request.ts';
import { linkIn, SmtpInbox } from '../helpers/smtp-inbox.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp } from '../helpers/totp.ts';

const NEW_PASSWORD = 'a long new passphrase 7';
const KEY = Buffer.alloc(32, 8).toString('base64');

describe('forgot password, over a real SMTP exchange', function () {
  this.timeout(30_000);
  let inbox: SmtpInbox;
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    inbox = await SmtpInbox.start();
    server = await startTestServer('forgot-password', {
      SMTP_URL: inbox.url,
      MAIL_FROM: 'Meshid <no-reply@id.example.test>',
      MFA_ENCRYPTION_KEY: KEY,
      LOGIN_DELAY_AFTER_FAILURES: '5',
      LOGIN_LOCK_AFTER_FAILURES: '5',
    });
    client = await addWebClient(server, { first_party: true });
  });
  after(async () => {
    await server.stop();
    await inbox.close();
  });

  async function askForLink(email: string, browser = new Browser(server.issuer)): Promise<Page> {
    const form = await browser.open(`/password/forgot`);
    return browser.submit(form, '/password/forgot', { email });
  }

  async function resetLink(user: TestUser): Promise<string> {
    const page = await askForLink(user.email);
    expect(page.status).to.equal(200);
    const mail = await inbox.waitFor(user.email, /Reset your/);
    return linkIn(mail, `${server.issuer}/password/reset?token=`);
  }

  it('offers "Forgot password?" on the sign-in screen', async () => {
    const attempt = await loginScreen(server, client);
    const page = await attempt('someone@example.test', 'wrong');
    expect(page.html).to.include('href="/password/forgot?email=someone%40example.test"');
  });

  it('mails a link; the new password works, the old one and every session do not, and the owner is told', async () => {
    const user = await addUser(server);
    const before = await signInWithCode(server.issuer, client, user);
    const link = await resetLink(user);
    const mail = inbox.mailsTo(user.email).at(-1)!;
    expect(JSON.stringify(mail.from)).to.include('no-reply@id.example.test');
    expect(mail.html).to.include('Choose a new password');

    const browser = new Browser(server.issuer);
    const form = await browser.open(link);
    expect(form.status).to.equal(200);
    expect(form.html).to.include(user.email);
    expect(await browser.open(link), 'opening the link again (a mail scanner) does not use it up').to.include({
      status: 200,
    });
    const weak = await browser.submit(form, '/password/reset', { new_password: 'password' });
    expect(weak.status).to.equal(400);
    expect(errorText(weak)).to.match(/^New password refused/);
    const done = await browser.submit(form, '/password/reset', { new_password: NEW_PASSWORD });
    expect(done.status).to.equal(200);
    expect(done.html).to.include('Your password is changed');

    const again = await browser.submit(form, '/password/reset', { new_password: `${NEW_PASSWORD}!` });
    expect(again.status, 'a link works once').to.equal(410);

    const attempt = await loginScreen(server, client);
    expect((await attempt(user.email, user.password)).status).to.equal(401);
    await signInWithCode(server.issuer, client, { ...user, password: NEW_PASSWORD });
    const refreshed = await oidc.refreshTokenGrant(before.config, before.tokens.refresh_token!).then(
      () => 'worked',
      (err: { error?: string }) => err.error,
    );
    expect(refreshed, 'tokens from before the reset are revoked').to.equal('invalid_grant');

    const notice = await inbox.waitFor(user.email, /Your password was reset/);
    expect(notice.text).to.include('/password/forgot');
    const events = (await auditModel(server.connection).find({ account: user.id }).lean()).map((e) => e.event);
    expect(events).to.include.members(['password.reset_requested', 'password.reset']);
    const sent = await outboxModel(server.connection).find({ to: user.email, status: 'sent' }).lean();
    expect(sent.length).to.be.at.least(2);
    expect(
      sent.every((m) => m.text === undefined && m.html === undefined),
      'bodies dropped once sent',
    ).to.equal(true);
  });

  it('answers an unknown email exactly like a known one, and mails nothing for it', async () => {
    const user = await addUser(server);
    const unknown = `nobody-${Date.now()}@example.test`;
    const forUnknown = await askForLink(unknown);
    const forKnown = await askForLink(user.email);
    expect(forUnknown.status).to.equal(forKnown.status);
    expect(forUnknown.html.replaceAll(unknown, 'EMAIL')).to.equal(forKnown.html.replaceAll(user.email, 'EMAIL'));
    await inbox.waitFor(user.email, /Reset your/);
    expect(inbox.mailsTo(unknown)).to.deep.equal([]);
  });

  it('limits requests per email whether or not the account exists, with the same answer', async () => {
    const user = await addUser(server);
    const unknown = `ghost-${Date.now()}@example.test`;
    for (const email of [user.email, unknown]) {
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await askForLink(email)).status);
      expect(statuses, email).to.deep.equal([200, 200, 200, 200, 200, 429]);
    }
  });

  it('refuses an expired link, and a link resets only its own account', async () => {
    const alice = await addUser(server);
    const bob = await addUser(server);
    const link = await resetLink(alice);
    await accountLinkModel(server.connection).updateMany(
      { accountId: alice.id },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    const browser = new Browser(server.issuer);
    const expired = await browser.open(link);
    expect(expired.status).to.equal(410);
    expect(expired.html).to.include('expired or was already used');

    const fresh = await resetLink(bob);
    const bobBefore = (await accountModel(server.connection).findById(bob.id).lean())!.passwordHash;
    const aliceBefore = (await accountModel(server.connection).findById(alice.id).lean())!.passwordHash;
    const form = await browser.open(fresh);
    await browser.submit(form, '/password/reset', { new_password: NEW_PASSWORD, username: alice.email });
    expect((await accountModel(server.connection).findById(alice.id).lean())!.passwordHash).to.equal(aliceBefore);
    expect((await accountModel(server.connection).findById(bob.id).lean())!.passwordHash).not.to.equal(bobBefore);
  });

  it('refuses forged and malformed tokens with the expired-link page, not an error', async () => {
    const browser = new Browser(server.issuer);
    for (const token of ['', 'x', 'A'.repeat(43), '../../etc', 'a'.repeat(5000)]) {
      const page = await browser.open(`/password/reset?token=${encodeURIComponent(token)}`);
      expect(page.status, token).to.equal(410);
      const posted = await browser.fetch('/password/reset', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, new_password: NEW_PASSWORD }),
      });
      expect(posted.status, token).to.equal(410);
    }
  });

  it('still asks for the second factor after a reset, and mails nothing for a disabled account', async () => {
    const user = await addUser(server);
    await enrollTotp(server, user, KEY);
    const browser = new Browser(server.issuer);
    const form = await browser.open(await resetLink(user));
    await browser.submit(form, '/password/reset', { new_password: NEW_PASSWORD });
    const signIn = await browser.open((await authorizationRequest(await relyingParty(server.issuer, client))).url);
    const next = await browser.submit(signIn, '/login', { email: user.email, password: NEW_PASSWORD });
    expect(next.html).to.include('Two-step verification');

    const disabled = await addUser(server);
    await accountModel(server.connection).updateOne({ _id: disabled.id }, { $set: { disabled: true } });
    expect((await askForLink(disabled.email)).status).to.equal(200);
    await inbox.waitFor(user.email, /password was reset/);
    expect(inbox.mailsTo(disabled.email)).to.deep.equal([]);
  });

  it('tells the owner by mail when the password, the second factor or a passkey changes', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    const changed = await browser.submit(account, '/account/password', {
      current_password: user.password,
      new_password: NEW_PASSWORD,
    });
    expect(changed.html).to.include('Password changed.');
    await inbox.waitFor(user.email, /^Your password was changed$/);
    await addPasskey(browser, changed, new SoftAuthenticator(server.issuer), 'Phone');
    const notice = await inbox.waitFor(user.email, /^A passkey was added$/);
    expect(notice.text).to.include('Its name: Phone.');
  });

  it('tells the owner when wrong passwords lock sign-in, and nobody for an unknown address', async () => {
    const user = await addUser(server);
    const attempt = await loginScreen(server, client);
    const unknown = `locked-${Date.now()}@example.test`;
    for (let i = 0; i < 5; i += 1) {
      await attempt(user.email, `wrong-${i}`);
      await attempt(unknown, `wrong-${i}`);
    }
    // LOGIN_LOCK_AFTER_FAILURES=5 here: the fifth wrong password started the lock.
    const notice = await inbox.waitFor(user.email, /locked/);
    expect(notice.text).to.include('/password/forgot');
    expect(inbox.mailsTo(unknown)).to.deep.equal([]);
  });

  it('tells the owner about a sign-in from a browser the account was not used from before', async () => {
    const user = await addUser(server);
    const laptop = new Browser(server.issuer);
    await signInWithCode(server.issuer, client, user, {}, laptop);
    await signInWithCode(server.issuer, client, user, { prompt: 'login' }, laptop);
    const cookie = await laptop.jar.getCookieString(server.issuer);
    expect(cookie).to.match(/meshid_device=[A-Za-z0-9_-]{22}/);
    await signInWithCode(server.issuer, client, user, {}, new Browser(server.issuer));
    const notice = await inbox.waitFor(user.email, /New sign-in/);
    expect(notice.text).to.include('Address: 127.0.0.1');
    const notices = inbox.mailsTo(user.email).filter((m) => /New sign-in/.test(m.subject ?? ''));
    expect(notices, 'the first browser and a repeat sign-in are not news').to.have.length(1);
  });

  it('does not serve the development mail page when SMTP is configured', async () => {
    expect((await new Browser(server.issuer).open('/dev/mail')).status).to.equal(404);
  });
});

describe('attack: forging the reset link, and racing it (a server of its own: per-address limits)', function () {
  this.timeout(30_000);
  let inbox: SmtpInbox;
  let server: TestServer;

  before(async () => {
    inbox = await SmtpInbox.start();
    server = await startTestServer('forgot-password-attacks', { SMTP_URL: inbox.url });
  });
  after(async () => {
    await server.stop();
    await inbox.close();
  });

  async function resetLinkFor(user: TestUser): Promise<string> {
    const browser = new Browser(server.issuer);
    await browser.submit(await browser.open('/password/forgot'), '/password/forgot', { email: user.email });
    return linkIn(await inbox.waitFor(user.email, /Reset your/), `${server.issuer}/password/reset?token=`);
  }

  it('attack: a forged Host or X-Forwarded-Host does not change where the mailed link points', async () => {
    const user = await addUser(server);
    const forged = await rawRequest(server.issuer, {
      method: 'POST',
      path: '/password/forgot',
      host: 'evil.example',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-host': 'evil.example' },
      body: new URLSearchParams({ email: user.email }).toString(),
    });
    expect(forged.status).to.equal(200);
    const mail = await inbox.waitFor(user.email, /Reset your/);
    expect(mail.text).to.include(`${server.issuer}/password/reset?token=`).and.not.include('evil.example');
  });

  it('attack: one link used twice at the same moment sets one password', async () => {
    const user = await addUser(server);
    const link = new URL(await resetLinkFor(user));
    const token = link.searchParams.get('token')!;
    const attempts = await Promise.all(
      ['first racing passphrase 1', 'second racing passphrase 2'].map((password) =>
        fetch(`${server.issuer}/password/reset`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, new_password: password }),
        }),
      ),
    );
    expect(attempts.map((response) => response.status).sort()).to.deep.equal([200, 410]);
  });
});

describe('mail when the SMTP server is down, then back', function () {
  this.timeout(30_000);

  it('keeps the mail in the outbox and delivers it on a retry', async () => {
    const down = await SmtpInbox.start();
    const port = down.port;
    await down.close();
    const server = await startTestServer('mail-retry', {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_RETRY_SECONDS: '1',
      MAIL_SEND_TIMEOUT_MS: '1000',
    });
    let inbox: SmtpInbox | undefined;
    try {
      const user = await addUser(server);
      const browser = new Browser(server.issuer);
      const page = await browser.submit(await browser.open('/password/forgot'), '/password/forgot', {
        email: user.email,
      });
      expect(page.status, 'the answer does not wait for SMTP').to.equal(200);
      const Outbox = outboxModel(server.connection);
      const deadline = Date.now() + 10_000;
      let failed = await Outbox.findOne({ to: user.email }).lean();
      while ((!failed || failed.attempts < 1 || failed.status !== 'pending') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        failed = await Outbox.findOne({ to: user.email }).lean();
      }
      expect(failed).to.include({ status: 'pending' });
      expect(failed!.lastError).to.match(/^ECONNREFUSED|^ESOCKET|^ECONNECTION/);
      expect(failed!.lastError).not.to.include('smtp://');

      inbox = await SmtpInbox.start(port);
      const mail = await inbox.waitFor(user.email, /Reset your/, 15_000);
      expect(mail.text).to.include('/password/reset?token=');
      const logs = server.logs.join('\n');
      expect(logs).to.include('mail not sent yet: will retry');
      expect(logs, 'no reset link in the logs').not.to.include('/password/reset?token=');
    } finally {
      await server.stop();
      await inbox?.close();
    }
  });
});

describe('mail in development: kept for /dev/mail', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('dev-mail');
  });
  after(() => server.stop());

  it('lists the reset mail with its link, which sets a new password', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    await browser.submit(await browser.open('/password/forgot'), '/password/forgot', { email: user.email });
    let page = await browser.open('/dev/mail');
    for (let i = 0; i < 100 && !page.html.includes(user.email); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = await browser.open('/dev/mail');
    }
    expect(page.status).to.equal(200);
    expect(page.html).to.include(user.email).and.include('Reset your');
    const link = /href="(http[^"]*\/password\/reset\?token=[^"]+)"/.exec(page.html)![1]!;
    const form = await browser.open(link);
    const done = await browser.submit(form, '/password/reset', { new_password: NEW_PASSWORD });
    expect(done.html).to.include('Your password is changed');
    expect(server.logs.some((line) => line.includes('mail not sent (no SMTP_URL)'))).to.equal(true);
  });

  it('attack: refuses the page to a request a reverse proxy on this host forwarded', async () => {
    // The proxy's connection comes from loopback; the visitor behind it does not.
    const page = await new Browser(server.issuer).fetch('/dev/mail', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(page.status).to.equal(404);
  });
});

describe('attack: reading reset links at /dev/mail of an instance that only forgot NODE_ENV', () => {
  it('serves no mail page when the database is a real one', async () => {
    // NODE_ENV left at development, a real MONGODB_URI, no SMTP_URL: anyone could ask for a reset
    // of any account and read the link there.
    const server = await startTestServer('dev-mail-real-db', { NODE_ENV: 'development' });
    try {
      const user = await addUser(server);
      const browser = new Browser(server.issuer);
      await browser.submit(await browser.open('/password/forgot'), '/password/forgot', { email: user.email });
      const page = await browser.open('/dev/mail');
      expect(page.status).to.equal(404);
      expect(page.html).not.to.include('/password/reset?token=');
      // The mail is queued after the answer: wait for it to be in the outbox (bounded).
      for (let i = 0; i < 100 && !(await outboxModel(server.connection).exists({ to: user.email })); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(server.logs.join('\n'))
        .to.include('mail not sent (no SMTP_URL)')
        .and.not.include('/password/reset?token=');
    } finally {
      await server.stop();
    }
  });
});
