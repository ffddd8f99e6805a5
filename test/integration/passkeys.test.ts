import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { expect } from 'chai';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { ACR_PHISHING_RESISTANT } from '../../provider/mfa/acr.ts';
import { authenticationOptions, verifyPasskey } from '../../provider/passkeys/authentication.ts';
import { passkeyModel } from '../../provider/passkeys/passkey-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { errorText } from '../helpers/login-attempt.ts';
import { addPasskey, passkeyOptions, postCredential, registrationOptions } from '../helpers/passkeys.ts';
import { openAccount } from '../helpers/account-page.ts';
import { authorizationRequest, redeem, relyingParty } from '../helpers/relying-party.ts';
import { type Ceremony, SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp, totpCode } from '../helpers/totp.ts';

const KEY = Buffer.alloc(32, 5).toString('base64');
type RequestOptions = PublicKeyCredentialRequestOptionsJSON;

describe('passkeys (WebAuthn): registration, passwordless sign-in, second factor, step-up', () => {
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    server = await startTestServer('passkeys', { MFA_ENCRYPTION_KEY: KEY });
    client = await addWebClient(server, { first_party: true });
  });
  after(() => server.stop());

  /** A user with one passkey of a fresh authenticator, registered on the account page. */
  async function userWithPasskey(options: { synced?: boolean } = {}) {
    const user = await addUser(server);
    const authenticator = new SoftAuthenticator(server.issuer, options);
    const browser = new Browser(server.issuer);
    const added = await addPasskey(browser, await openAccount(browser, user), authenticator, 'Laptop');
    expect(added.html).to.include('Passkey &quot;Laptop&quot; added.');
    return { user, authenticator };
  }

  /** An authorization request and its first screen, in a browser of its own. */
  async function start(params: Record<string, string> = {}, forClient = client) {
    const config = await relyingParty(server.issuer, forClient);
    const request = await authorizationRequest(config, params);
    const browser = new Browser(server.issuer);
    const page = await browser.open(request.url);
    return { config, request, browser, page };
  }

  const signInOptions = (flow: { browser: Browser; page: Page }) =>
    passkeyOptions<RequestOptions>(flow.browser, flow.page, '/passkey', `${flow.page.url.pathname}/passkey/options`);

  /** A passwordless answer to the login screen of `flow`, from `authenticator`. */
  async function passwordless(
    flow: { browser: Browser; page: Page },
    authenticator: SoftAuthenticator,
    ceremony: Ceremony = {},
  ) {
    const options = await signInOptions(flow);
    return postCredential(flow.browser, flow.page, '/passkey', authenticator.assert(options, ceremony));
  }

  async function idTokenOf(flow: Awaited<ReturnType<typeof start>>, done: Page) {
    expect(done.leftTo, done.html.slice(0, 400)).to.not.equal(undefined);
    const tokens = await redeem(flow.config, flow.request, done.leftTo!);
    return tokens.claims()!;
  }

  it('registers a passkey on the account page and lists it with its dates', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    const options = await registrationOptions(browser, account);
    expect(options.rp.id).to.equal('127.0.0.1');
    expect(options.authenticatorSelection).to.include({ residentKey: 'required', userVerification: 'preferred' });
    expect(options.attestation).to.equal('none');
    const added = await addPasskey(
      browser,
      account,
      new SoftAuthenticator(server.issuer),
      '  Work   laptop  ',
      options,
    );
    expect(added.status).to.equal(200);
    expect(added.html).to.include('Work laptop').and.include('not used yet');
    const stored = await passkeyModel(server.connection).find({ accountId: user.id }).lean();
    expect(stored).to.have.length(1);
    expect(stored[0]).to.include({ name: 'Work laptop', deviceType: 'singleDevice', counter: 0 });
    const events = await auditModel(server.connection).find({ account: user.id, event: 'passkey.registered' }).lean();
    expect(events).to.have.length(1);
  });

  it('attack: refuses a passkey name with a control, a bidi override or too many characters, and stores nothing', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    for (const name of ['Work\u0000laptop', 'Photo\u202Egpj.exe', 'Line\nbreak', 'x'.repeat(61), '😀'.repeat(61)]) {
      const refused = await addPasskey(browser, account, new SoftAuthenticator(server.issuer), name);
      expect(refused.status, JSON.stringify(name)).to.equal(400);
      expect(errorText(refused), JSON.stringify(name)).to.match(/name/i);
    }
    expect(await passkeyModel(server.connection).countDocuments({ accountId: user.id })).to.equal(0);
    // 60 characters of which one is outside the BMP (61 UTF-16 units): kept whole, never cut in half
    const long = `${'a'.repeat(59)}😀`;
    const added = await addPasskey(browser, account, new SoftAuthenticator(server.issuer), long);
    expect(added.status).to.equal(200);
    const stored = await passkeyModel(server.connection).findOne({ accountId: user.id }).lean();
    expect(stored?.name).to.equal(long);
  });

  it('signs in with a passkey alone: no password, acr phishing-resistant, amr key + user verification', async () => {
    const { user, authenticator } = await userWithPasskey();
    const flow = await start();
    expect(flow.page.html).to.include('autocomplete="username webauthn"').and.include('Sign in with a passkey');
    const options = await signInOptions(flow);
    expect(options.allowCredentials ?? []).to.deep.equal([]); // discoverable: the authenticator picks
    expect(options.userVerification).to.equal('required');
    const done = await postCredential(flow.browser, flow.page, '/passkey', authenticator.assert(options));
    const claims = await idTokenOf(flow, done);
    expect(claims.sub).to.equal(user.id);
    expect(claims.acr).to.equal(ACR_PHISHING_RESISTANT);
    expect(claims.amr).to.deep.equal(['hwk', 'user', 'mfa']);
    const stored = await passkeyModel(server.connection).findOne({ accountId: user.id }).lean();
    expect(stored!.counter).to.equal(1);
    expect(stored!.lastUsedAt).to.be.instanceOf(Date);
  });

  it('says swk for a synced passkey', async () => {
    const { authenticator } = await userWithPasskey({ synced: true });
    const flow = await start();
    const done = await passwordless(flow, authenticator);
    expect((await idTokenOf(flow, done)).amr).to.deep.equal(['swk', 'user', 'mfa']);
  });

  it('takes a challenge once, and only in the interaction it was issued to', async () => {
    const { authenticator } = await userWithPasskey();
    const flow = await start();
    const options = await signInOptions(flow);
    const elsewhere = await start();
    const moved = await postCredential(elsewhere.browser, elsewhere.page, '/passkey', authenticator.assert(options));
    expect(moved.status, 'the challenge belongs to another interaction').to.equal(401);

    // A first answer that fails after the challenge is taken (wrong origin) spends it …
    const phished = authenticator.assert(options, { origin: 'https://phish.example' });
    expect((await postCredential(flow.browser, flow.page, '/passkey', phished)).status).to.equal(401);
    // … so a good signature over the same challenge is refused too.
    const spent = await postCredential(flow.browser, flow.page, '/passkey', authenticator.assert(options));
    expect(spent.status).to.equal(401);
    expect(errorText(spent)).to.equal('That passkey request expired. Try again.');
    // A fresh challenge works.
    const done = await passwordless(flow, authenticator);
    expect(done.leftTo).to.not.equal(undefined);
  });

  it('attack: one answer checked twice at the same moment is accepted once', async () => {
    const { authenticator } = await userWithPasskey();
    const webauthn = { rpId: '127.0.0.1', origin: server.issuer, rpName: 'meshid', allowedAaguids: [] };
    const deps = { connection: server.connection, webauthn };
    const subject = 'interaction:race';
    const options = await authenticationOptions(deps, { purpose: 'sign-in', subject });
    const answer = authenticator.assert(options);
    const results = await Promise.all(
      [1, 2, 3].map(() => verifyPasskey(deps, { purpose: 'sign-in', subject, response: answer })),
    );
    expect(results.filter((result) => result.ok)).to.have.length(1);
  });

  it('refuses an answer made for another origin or another RP ID', async () => {
    const { authenticator } = await userWithPasskey();
    for (const ceremony of [{ origin: 'https://phish.example' }, { rpId: 'phish.example' }]) {
      const flow = await start();
      const refused = await postCredential(
        flow.browser,
        flow.page,
        '/passkey',
        authenticator.assert(await signInOptions(flow), ceremony),
      );
      expect(refused.status, JSON.stringify(ceremony)).to.equal(401);
      expect(refused.leftTo).to.equal(undefined);
    }
  });

  it('refuses a signature counter that went back (a cloned authenticator)', async () => {
    const { authenticator } = await userWithPasskey();
    const flow = await start();
    await idTokenOf(flow, await passwordless(flow, authenticator, { counter: 5 }));
    const clone = await start();
    const refused = await passwordless(clone, authenticator, { counter: 3 });
    expect(refused.status).to.equal(401);
  });

  it('refuses a passwordless sign-in without user verification', async () => {
    const { authenticator } = await userWithPasskey();
    const flow = await start();
    const refused = await passwordless(flow, authenticator, { uv: false });
    expect(refused.status).to.equal(401);
  });

  it("refuses another user's passkey as this user's second factor", async () => {
    const mallory = await userWithPasskey();
    const { user } = await userWithPasskey();
    const flow = await start();
    const second = await flow.browser.submit(flow.page, '/login', { email: user.email, password: user.password });
    expect(second.html).to.include('Use your passkey');
    const options = await passkeyOptions<RequestOptions>(
      flow.browser,
      second,
      '/passkey',
      `${second.url.pathname}/passkey/options`,
    );
    const refused = await postCredential(
      flow.browser,
      second,
      '/passkey',
      mallory.authenticator.assert(options, { credential: mallory.authenticator.credentials[0] }),
    );
    expect(refused.status).to.equal(401);
    expect(refused.leftTo).to.equal(undefined);
  });

  it('uses a passkey as the second factor after the password', async () => {
    const { user, authenticator } = await userWithPasskey();
    const flow = await start();
    const second = await flow.browser.submit(flow.page, '/login', { email: user.email, password: user.password });
    expect(second.html).to.include('Use your passkey').and.not.include('name="code"');
    const options = await passkeyOptions<RequestOptions>(
      flow.browser,
      second,
      '/passkey',
      `${second.url.pathname}/passkey/options`,
    );
    expect(options.allowCredentials!.map((c) => c.id)).to.deep.equal([authenticator.credentials[0]!.id]);
    const done = await postCredential(flow.browser, second, '/passkey', authenticator.assert(options, { uv: false }));
    const claims = await idTokenOf(flow, done);
    expect(claims.amr).to.deep.equal(['pwd', 'hwk', 'mfa']);
    expect(claims.acr).to.equal(ACR_PHISHING_RESISTANT);
  });

  it('refuses a removed passkey, and removal needs a fresh passkey or code, not the session alone', async () => {
    const { user, authenticator } = await userWithPasskey();
    const browser = new Browser(server.issuer);
    // signing in to the account page now takes the passkey too
    const login = await browser.open('/account');
    const second = await browser.submit(login, '/login', { email: user.email, password: user.password });
    const options = await passkeyOptions<RequestOptions>(
      browser,
      second,
      '/passkey',
      `${second.url.pathname}/passkey/options`,
    );
    const account = await postCredential(browser, second, '/passkey', authenticator.assert(options));
    expect(account.url.pathname).to.equal('/account');
    const id = authenticator.credentials[0]!.id;

    const bare = await browser.submit(account, '/account/passkeys/remove', { id });
    expect(bare.status).to.equal(401);
    expect(await passkeyModel(server.connection).countDocuments({ _id: id })).to.equal(1);

    const confirm = await passkeyOptions<RequestOptions>(
      browser,
      account,
      '/account/passkeys/remove',
      '/account/passkeys/confirm-options',
    );
    const removed = await postCredential(browser, account, '/account/passkeys/remove', authenticator.assert(confirm), {
      id,
    });
    expect(removed.html).to.include('Passkey removed.');
    expect(await passkeyModel(server.connection).countDocuments({ _id: id })).to.equal(0);

    const flow = await start();
    const refused = await passwordless(flow, authenticator);
    expect(refused.status).to.equal(401);
    const events = await auditModel(server.connection).find({ account: user.id }).lean();
    expect(events.map((e) => e.event)).to.include.members(['passkey.remove_refused', 'passkey.removed']);
  });

  it('a sign-in abandoned at the passkey step does not open /account', async () => {
    const { user } = await userWithPasskey();
    const browser = new Browser(server.issuer);
    const login = await browser.open('/account');
    const second = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(second.html).to.include('Use your passkey');
    const account = await browser.open('/account');
    expect(account.url.pathname, 'back at the passkey step').to.match(/^\/interaction\//);
    expect(account.html).to.include('Use your passkey').and.not.include('Your account');
    const removed = await browser.fetch('/account/passkeys/options', { method: 'POST' });
    expect(removed.status).to.equal(303);
  });

  it('step-up: acr_values=phr is met only by a passkey, never by password and code', async () => {
    const { user, authenticator } = await userWithPasskey();
    await enrollTotp(server, user, KEY);
    const flow = await start({ acr_values: ACR_PHISHING_RESISTANT });
    const second = await flow.browser.submit(flow.page, '/login', { email: user.email, password: user.password });
    expect(second.html).to.include('Sign in with a passkey').and.not.include('name="code"');
    const code = await flow.browser.fetch(`${second.url.pathname}/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(second.html)![1]!, code: '123456' }),
    });
    expect(code.status, 'a code is not phishing-resistant').to.equal(400);
    const options = await passkeyOptions<RequestOptions>(
      flow.browser,
      second,
      '/passkey',
      `${second.url.pathname}/passkey/options`,
    );
    const claims = await idTokenOf(
      flow,
      await postCredential(flow.browser, second, '/passkey', authenticator.assert(options)),
    );
    expect(claims.acr).to.equal(ACR_PHISHING_RESISTANT);
  });

  it('a client set to require a passkey asks even a signed-in user with a code for one', async () => {
    const strict = await addWebClient(server, { first_party: true, require_passkey: true });
    const user = await addUser(server);
    const secret = await enrollTotp(server, user, KEY);
    const flow = await start({}, strict);
    const second = await flow.browser.submit(flow.page, '/login', { email: user.email, password: user.password });
    expect(second.html).to.include('Sign in with a passkey').and.include('has no passkey yet');
    expect(second.html).not.to.include(await totpCode(secret).then(() => 'name="code"'));
  });

  it('a passkey-only account: the right password is refused like a wrong one; the passkey still signs in', async () => {
    const { user, authenticator } = await userWithPasskey();
    await accountModel(server.connection).updateOne({ _id: user.id }, { $set: { passwordDisabled: true } });
    const flow = await start();
    const refused = await flow.browser.submit(flow.page, '/login', { email: user.email, password: user.password });
    expect(refused.status).to.equal(401);
    expect(errorText(refused)).to.equal('Wrong email or password.');
    const again = await start();
    const done = await passwordless(again, authenticator);
    expect((await idTokenOf(again, done)).sub).to.equal(user.id);
  });

  it('refuses a disabled account its passkey', async () => {
    const { user, authenticator } = await userWithPasskey();
    await accountModel(server.connection).updateOne({ _id: user.id }, { $set: { disabled: true } });
    const flow = await start();
    const refused = await passwordless(flow, authenticator);
    expect(refused.status).to.equal(401);
  });

  it('answers a missing or malformed credential with the sign-in screen, not an error', async () => {
    const { authenticator } = await userWithPasskey();
    const known = authenticator.credentials[0]!.id;
    const flow = await start();
    const malformed = [
      '',
      'not json',
      '[1]',
      '{"id":"x"}',
      '{"id":5}',
      JSON.stringify({ id: known }),
      JSON.stringify({ id: known, rawId: known, type: 'public-key', response: 'x' }),
      JSON.stringify({ id: known, rawId: known, type: 'public-key', response: { userHandle: 7 } }),
      JSON.stringify({
        id: known,
        rawId: known,
        type: 'public-key',
        response: { clientDataJSON: '!!', authenticatorData: '%%', signature: '', userHandle: null },
      }),
      JSON.stringify({ ...authenticator.assert(await signInOptions(flow)), type: 'other' }),
    ];
    for (const credential of malformed) {
      const page = await flow.browser.submit(flow.page, '/passkey', { credential });
      // refused, or throttled once the failures against the known passkey's account add up
      expect(page.status, credential).to.be.oneOf([401, 429]);
      expect(errorText(page), credential).to.match(/^(That passkey|Too many failed attempts)/);
    }
  });
});

describe('passkeys: an allow-list of authenticator models', () => {
  let server: TestServer;
  let user: TestUser;

  before(async () => {
    server = await startTestServer('passkeys-aaguid', {
      WEBAUTHN_ALLOWED_AAGUIDS: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
    });
    user = await addUser(server);
  });
  after(() => server.stop());

  it('asks for attestation and refuses an authenticator that proves no model', async () => {
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    const options = await registrationOptions(browser, account);
    expect(options.attestation).to.equal('direct');
    const refused = await addPasskey(browser, account, new SoftAuthenticator(server.issuer), 'Unknown key', options);
    expect(refused.status).to.equal(400);
    expect(refused.html).to.include('only from approved security keys');
    expect(await passkeyModel(server.connection).countDocuments({ accountId: user.id })).to.equal(0);
  });
});
