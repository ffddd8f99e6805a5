import { expect } from 'chai';
import * as oidc from 'openid-client';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { createAccount } from '../../provider/accounts/create-account.ts';
import { rateWindowModel } from '../../provider/security/rate-window-model.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestClient } from '../helpers/fixtures.ts';
import { errorText } from '../helpers/login-attempt.ts';
import { authorizationRequest, redeem, relyingParty } from '../helpers/relying-party.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import { openAccount } from '../helpers/account-page.ts';
import { linkIn, SmtpInbox } from '../helpers/smtp-inbox.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const PASSWORD = 'a fine long passphrase 9';
const KEK = Buffer.alloc(32, 7).toString('base64');

describe('self-registration and email verification, over SMTP', function () {
  this.timeout(30_000);
  let inbox: SmtpInbox;
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    inbox = await SmtpInbox.start();
    server = await startTestServer('sign-up', {
      SMTP_URL: inbox.url,
      SIGNUP: 'domains',
      SIGNUP_DOMAINS: 'example.test, corp.example.test',
      KEY_ENCRYPTION_KEY: KEK,
    });
    client = await addWebClient(server, { first_party: true });
  });
  after(async () => {
    await server.stop();
    await inbox.close();
  });

  // Every test here signs up from 127.0.0.1: each starts with a fresh hourly allowance (the limit has its own test).
  beforeEach(() => rateWindowModel(server.connection).deleteMany({ _id: /^signup:/ }));

  const fresh = (domain = 'example.test') => `new-${Math.random().toString(36).slice(2, 10)}@${domain}`;

  async function signUp(fields: Record<string, string>, browser = new Browser(server.issuer)): Promise<Page> {
    return browser.submit(await browser.open('/signup'), '/signup', fields);
  }

  async function startSignIn() {
    const config = await relyingParty(server.issuer, client);
    const request = await authorizationRequest(config);
    const browser = new Browser(server.issuer);
    return { config, request, browser, page: await browser.open(request.url) };
  }

  it('offers "Create an account" on the sign-in screen', async () => {
    const { page } = await startSignIn();
    expect(page.html).to.include('href="/signup"');
  });

  it('creates an account that signs in only once its address is confirmed by the mailed link', async () => {
    const email = fresh();
    const done = await signUp({ email, name: 'New Person', new_password: PASSWORD });
    expect(done.status).to.equal(200);
    expect(done.html).to.include('Check your inbox');
    const mail = await inbox.waitFor(email, /Confirm your email/);
    const link = linkIn(mail, `${server.issuer}/email/verify?token=`);

    const early = await startSignIn();
    const refused = await early.browser.submit(early.page, '/login', { email, password: PASSWORD });
    expect(refused.status).to.equal(403);
    expect(errorText(refused)).to.match(/^Confirm your email first/);
    expect(refused.leftTo).to.equal(undefined);

    const browser = new Browser(server.issuer);
    const confirm = await browser.open(link);
    expect(confirm.status, 'opening the link changes nothing yet').to.equal(200);
    expect((await accountModel(server.connection).findOne({ email }).lean())!.emailVerified).to.equal(false);
    const confirmed = await browser.submit(confirm, '/email/verify');
    expect(confirmed.html).to.include('is confirmed');
    expect((await browser.submit(confirm, '/email/verify')).status, 'a link works once').to.equal(410);

    const flow = await startSignIn();
    const callback = await flow.browser.submit(flow.page, '/login', { email, password: PASSWORD });
    const tokens = await redeem(flow.config, flow.request, callback.leftTo!);
    const userinfo = await oidc.fetchUserInfo(flow.config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).to.include({ email, email_verified: true, name: 'New Person' });
  });

  it('answers a taken address like a new one, and tells its owner instead of making an account', async () => {
    const owner = await addUser(server, fresh());
    const other = fresh();
    const forTaken = await signUp({ email: owner.email, new_password: PASSWORD });
    const forNew = await signUp({ email: other, new_password: PASSWORD });
    expect(forTaken.status).to.equal(forNew.status);
    expect(forTaken.html.replaceAll(owner.email, 'EMAIL')).to.equal(forNew.html.replaceAll(other, 'EMAIL'));
    const notice = await inbox.waitFor(owner.email, /already have/);
    expect(notice.text).to.include('/password/forgot');
    expect(await accountModel(server.connection).countDocuments({ email: owner.email })).to.equal(1);
  });

  it('refuses a domain outside SIGNUP_DOMAINS, a weak password, and fills in nothing for a bot', async () => {
    const outside = await signUp({ email: fresh('elsewhere.test'), new_password: PASSWORD });
    expect(outside.status).to.equal(400);
    expect(errorText(outside)).to.include('example.test, corp.example.test');
    const weak = await signUp({ email: fresh(), new_password: 'password' });
    expect(errorText(weak)).to.match(/^Password refused/);
    const email = fresh();
    const bot = await signUp({ email, new_password: PASSWORD, website: 'http://spam.example' });
    expect(bot.html).to.include('Check your inbox');
    expect(await accountModel(server.connection).countDocuments({ email })).to.equal(0);
  });

  it('refuses a name with a bidi override or a NUL, re-rendering the form with a field message', async () => {
    for (const name of ['Eve\u202egpj.exe', 'Nul\u0000l']) {
      const email = fresh();
      const refused = await signUp({ email, name, new_password: PASSWORD });
      expect(refused.status, JSON.stringify(name)).to.equal(400);
      expect(errorText(refused)).to.match(/^Name refused/);
      expect(refused.html).to.include(`value="${email}"`);
      expect(await accountModel(server.connection).countDocuments({ email })).to.equal(0);
    }
  });

  it('refuses an address with a bidi override or a NUL, and makes no account', async () => {
    for (const email of ['eve\u202elivap@example.test', 'e\u0000ve@example.test']) {
      const refused = await signUp({ email, new_password: PASSWORD });
      expect(refused.status, JSON.stringify(email)).to.equal(400);
      expect(errorText(refused)).to.equal('Enter a valid email address.');
      expect(await accountModel(server.connection).countDocuments({ email })).to.equal(0);
    }
  });

  it('counts a name in characters after trimming: 200 with an emoji is kept whole, 201 is refused', async () => {
    const full = `${'a'.repeat(199)}😀`;
    for (const [name, kept] of [
      [full, full],
      [`  ${full}  `, full],
    ]) {
      const email = fresh();
      const done = await signUp({ email, name: name!, new_password: PASSWORD });
      expect(done.html, JSON.stringify(name)).to.include('Check your inbox');
      expect((await accountModel(server.connection).findOne({ email }).lean())?.name).to.equal(kept);
    }
    const email = fresh();
    const long = await signUp({ email, name: 'a'.repeat(201), new_password: PASSWORD });
    expect(long.status).to.equal(400);
    expect(errorText(long)).to.equal('Name refused: it must be at most 200 characters.');
    expect(await accountModel(server.connection).countDocuments({ email })).to.equal(0);
  });

  it('refuses a lone surrogate in a name for every door that creates an account', async () => {
    let thrown: unknown;
    try {
      await createAccount(server.connection, { email: fresh(), password: PASSWORD, name: 'Half\ud83d' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(TypeError);
  });

  it('invites a user from the admin CLI: a mailed link sets the first password and confirms the address', async () => {
    const email = fresh();
    const result = await runAdminWith(
      {
        MONGODB_URI: testDatabaseUri(),
        MONGODB_DATABASE: server.connection.name,
        KEY_ENCRYPTION_KEY: KEK,
        ISSUER: server.issuer,
        SMTP_URL: inbox.url,
      },
      ['users', 'invite', email, '--name', 'Invited Person', '--json'],
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ email, invitation: 'mailed' });
    const mail = await inbox.waitFor(email, /invited/);
    expect(mail.text).to.include('Hello Invited Person');
    const browser = new Browser(server.issuer);
    const form = await browser.open(linkIn(mail, `${server.issuer}/password/reset?token=`));
    expect(form.html).to.include('Welcome: choose your password');
    const done = await browser.submit(form, '/password/reset', { new_password: PASSWORD });
    expect(done.html).to.include('Your account is ready');
    const account = await accountModel(server.connection).findOne({ email }).lean();
    expect(account!.emailVerified).to.equal(true);
    const flow = await startSignIn();
    const callback = await flow.browser.submit(flow.page, '/login', { email, password: PASSWORD });
    expect(callback.leftTo).to.not.equal(undefined);
    const again = await runAdminWith(
      {
        MONGODB_URI: testDatabaseUri(),
        MONGODB_DATABASE: server.connection.name,
        KEY_ENCRYPTION_KEY: KEK,
        SMTP_URL: inbox.url,
      },
      ['users', 'invite', email],
    );
    expect(again.code).to.not.equal(0);
    expect(again.stderr).to.include('already exists');
  });

  it('users add --send-invite mails a confirmation link for the new account', async () => {
    const email = fresh();
    const env = { MONGODB_URI: testDatabaseUri(), MONGODB_DATABASE: server.connection.name, KEY_ENCRYPTION_KEY: KEK };
    const result = await runAdminWith(
      { ...env, ISSUER: server.issuer, SMTP_URL: inbox.url },
      ['users', 'add', '--email', email, '--send-invite', '--json'],
      `${PASSWORD}\n`,
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ email, confirmation: 'mailed' });
    const link = linkIn(await inbox.waitFor(email, /Confirm your email/), `${server.issuer}/email/verify?token=`);
    const browser = new Browser(server.issuer);
    await browser.submit(await browser.open(link), '/email/verify');
    expect((await accountModel(server.connection).findOne({ email }).lean())!.emailVerified).to.equal(true);
  });

  it('changes the email on the account page only once the new address is confirmed, and tells the old one', async () => {
    const user = await addUser(server, fresh());
    const taken = await addUser(server, fresh());
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    const newEmail = fresh('corp.example.test');
    const asked = await browser.submit(account, '/account/email', { new_email: newEmail });
    expect(asked.html).to.include(`We sent a link to ${newEmail}`);
    const forTaken = await browser.submit(account, '/account/email', { new_email: taken.email });
    expect(forTaken.html, 'a taken address gets the same answer').to.include(`We sent a link to ${taken.email}`);
    expect((await accountModel(server.connection).findById(user.id).lean())!.email, 'not before the link').to.equal(
      user.email,
    );

    const link = linkIn(await inbox.waitFor(newEmail, /new email/), `${server.issuer}/email/verify?token=`);
    const other = new Browser(server.issuer);
    const confirmed = await other.submit(await other.open(link), '/email/verify');
    expect(confirmed.html).to.include('is confirmed');
    const after = await accountModel(server.connection).findById(user.id).lean();
    expect(after).to.include({ email: newEmail, emailVerified: true });
    const notice = await inbox.waitFor(user.email, /email address was changed/);
    expect(notice.text).to.include(newEmail);
    expect(inbox.mailsTo(taken.email).filter((m) => /new email/.test(m.subject ?? ''))).to.deep.equal([]);

    const flow = await startSignIn();
    const callback = await flow.browser.submit(flow.page, '/login', { email: newEmail, password: user.password });
    expect(callback.leftTo, 'signs in with the new address').to.not.equal(undefined);
  });

  it('a client that requires a confirmed address stops an unconfirmed account until it confirms', async () => {
    const strict = await addWebClient(server, { first_party: true, require_verified_email: true });
    const user = await addUser(server, fresh());
    await accountModel(server.connection).updateOne({ _id: user.id }, { $set: { emailVerified: false } });
    const config = await relyingParty(server.issuer, strict);
    const request = await authorizationRequest(config);
    const browser = new Browser(server.issuer);
    const step = await browser.submit(await browser.open(request.url), '/login', {
      email: user.email,
      password: user.password,
    });
    expect(step.html).to.include('needs a confirmed email address');
    const early = await browser.submit(step, '/email/continue');
    expect(early.status).to.equal(409);
    const sent = await browser.submit(step, '/email/send');
    expect(sent.html).to.include('Sent.');
    const link = linkIn(await inbox.waitFor(user.email, /Confirm your email/), `${server.issuer}/email/verify?token=`);
    const other = new Browser(server.issuer);
    await other.submit(await other.open(link), '/email/verify');
    const done = await browser.submit(step, '/email/continue');
    expect(done.leftTo, done.html.slice(0, 300)).to.not.equal(undefined);
    const tokens = await redeem(config, request, done.leftTo!);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.email_verified).to.equal(true);
  });
});

describe('self-registration limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sign-up-limits', { SIGNUP: 'open' });
  });
  after(() => server.stop());

  it('takes 10 sign-ups an hour from one address, then answers 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      const browser = new Browser(server.issuer);
      const page = await browser.submit(await browser.open('/signup'), '/signup', {
        email: `limit-${i}-${Date.now()}@anywhere.test`,
        new_password: PASSWORD,
      });
      statuses.push(page.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).to.equal(true);
    expect(statuses[10]).to.equal(429);
  });

  it('is absent when SIGNUP is off (the default)', async () => {
    const off = await startTestServer('sign-up-off');
    try {
      expect((await new Browser(off.issuer).open('/signup')).status).to.equal(404);
    } finally {
      await off.stop();
    }
  });
});
