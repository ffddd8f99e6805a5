import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import type { PublicKeyCredentialRequestOptionsJSON as RequestOptions } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { ACR_FEDERATED, ACR_MFA } from '../../provider/mfa/acr.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { createLink } from '../../provider/upstream/identity-links.ts';
import { addIdp } from '../../provider/upstream/manage-idps.ts';
import { settleIdentity } from '../../provider/upstream/settle-identity.ts';
import { rawRequest } from '../helpers/raw-request.ts';
import { groupMemberModel } from '../../provider/roles/group-member-model.ts';
import { addGroup, addMember } from '../../provider/roles/manage-groups.ts';
import { idpModel } from '../../provider/upstream/idp-model.ts';
import { freePort } from '../../scripts/free-port.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import { Browser, type Page, parseForms } from '../helpers/browser.ts';
import { openAccount } from '../helpers/account-page.ts';
import { addPasskey, passkeyOptions, postCredential } from '../helpers/passkeys.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { addUser, addWebClient, type TestClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, type AuthorizationRequest } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp, totpCode } from '../helpers/totp.ts';
import { startUpstreamProvider, type UpstreamProvider } from '../helpers/upstream-provider.ts';

const KEK = Buffer.alloc(32, 18).toString('base64');
const MFA_KEY = Buffer.alloc(32, 19).toString('base64');

describe('upstream identity providers (a second OpenID Provider as the upstream)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let upstream: UpstreamProvider;
  let client: TestClient;
  let rp: oidc.Configuration;
  let silent: Server;
  const ids = ['corp', 'strict', 'mfa-trusted', 'realm', 'cli', 'down', 'hangs', 'logout', 'mapped'];

  before(async () => {
    server = await startTestServer(
      'upstream-idps',
      { KEY_ENCRYPTION_KEY: KEK, MFA_ENCRYPTION_KEY: MFA_KEY, UPSTREAM_TIMEOUT_MS: '1000' },
      { issuerHost: 'localhost' },
    );
    upstream = await startUpstreamProvider(
      ids.map((id) => `${server.issuer}/upstream/${id}/callback`),
      [`${server.issuer}/upstream/logged-out`],
    );
    const add = (id: string, extra: Record<string, unknown> = {}) =>
      addIdp(server.connection, Buffer.from(KEK, 'base64'), {
        id,
        type: 'oidc',
        displayName: `Corp ${id}`,
        issuer: upstream.issuer,
        clientId: upstream.clientId,
        clientSecret: upstream.clientSecret,
        ...extra,
      });
    await add('corp', {
      provision: true,
      claims: { groups: 'groups' },
      scopes: ['openid', 'email', 'profile', 'groups'],
    });
    await add('strict');
    await add('logout', { provision: true, upstreamLogout: true });
    await addGroup(server.connection, { name: 'staff' });
    await addGroup(server.connection, { name: 'auditors' });
    await add('mapped', {
      provision: true,
      scopes: ['openid', 'email', 'profile', 'groups'],
      claims: { groups: 'groups' },
      groupMap: [
        { upstream: 'corp-ops', local: 'staff' },
        { upstream: 'corp-audit', local: 'auditors' },
      ],
    });
    await add('mfa-trusted', { provision: true, mfaAcrValues: ['urn:upstream:mfa'] });
    await add('realm', { provision: true, domains: ['corp.example'] });
    // One upstream refuses connections, one accepts them and never answers (UPSTREAM_TIMEOUT_MS is 1 s here).
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await add('down', { issuer: `http://127.0.0.1:${await freePort()}` });
    await add('hangs', { issuer: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    client = await addWebClient(server);
    rp = await relyingParty(server.issuer, client);
  });
  after(async () => {
    silent?.closeAllConnections();
    silent?.close();
    await upstream?.close();
    await server?.stop();
  });
  afterEach(() => {
    upstream.tamper = undefined;
  });

  const newBrowser = () => new Browser(server.issuer, [upstream.issuer]);

  /** From the app's authorization request to our sign-in screen, then "Continue with" the upstream. */
  async function toUpstreamLogin(browser: Browser, idp: string, params: Record<string, string> = {}) {
    const request = await authorizationRequest(rp, params);
    const login = await browser.open(request.url);
    expect(login.html).to.include(`Continue with Corp ${idp}`);
    const page = await browser.submit(login, '/upstream/start', { idp });
    return { request, page };
  }

  /** Signs in at the upstream's own (development) login page as `sub`: back at our provider afterwards. */
  const upstreamLogin = (browser: Browser, page: Page, sub: string) =>
    browser.submit(page, page.url.pathname, { login: sub, password: 'anything' });

  async function tokensFor(request: AuthorizationRequest, page: Page) {
    let done = page;
    if (!done.leftTo && done.html.includes('/confirm"'))
      done = await new Browser(server.issuer).submit(done, '/confirm');
    expect(done.leftTo, done.html.slice(0, 600)).to.not.equal(undefined);
    return redeem(rp, request, done.leftTo!);
  }

  const events = (event: string) => auditModel(server.connection).find({ event }).lean();

  it('creates an account just in time, links it, and lands in the app like a local sign-in', async () => {
    upstream.users.set('jit-1', {
      email: 'Jit.One@Example.test',
      email_verified: true,
      name: 'Jit One',
      groups: ['ops'],
    });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'corp');
    expect(page.url.origin).to.equal(upstream.issuer);
    const back = await upstreamLogin(browser, page, 'jit-1');
    const consent = back.leftTo ? back : await browser.submit(back, '/confirm');
    const tokens = await redeem(rp, request, consent.leftTo!);
    const claims = tokens.claims()!;
    const account = await accountModel(server.connection).findOne({ email: 'jit.one@example.test' }).lean();
    expect(account, 'account made just in time').to.not.equal(null);
    expect(account!.emailVerified).to.equal(true);
    expect(account!.name).to.equal('Jit One');
    expect(claims.sub).to.equal(account!._id);
    expect(claims.amr).to.deep.equal(['fed']);
    expect(claims.acr).to.equal(ACR_FEDERATED);
    const link = await identityLinkModel(server.connection).findOne({ idp: 'corp', sub: 'jit-1' }).lean();
    expect(link?.accountId).to.equal(account!._id);
    expect(link?.iss).to.equal(upstream.issuer);
    expect(link?.groups).to.deep.equal(['ops']);
    const [linked] = await events('upstream.link');
    expect(linked?.details).to.include({ idp: 'corp', iss: upstream.issuer, sub: 'jit-1', created: true });

    // Again in a new browser: the same account, nothing new made.
    const again = newBrowser();
    const second = await toUpstreamLogin(again, 'corp');
    const back2 = await upstreamLogin(again, second.page, 'jit-1');
    const done2 = back2.leftTo ? back2 : await again.submit(back2, '/confirm');
    const claims2 = (await redeem(rp, second.request, done2.leftTo!)).claims()!;
    expect(claims2.sub).to.equal(account!._id);
    expect(await accountModel(server.connection).countDocuments({ email: 'jit.one@example.test' })).to.equal(1);
    expect((await events('upstream.sign_in')).filter((e) => e.account === account!._id)).to.have.length(2);
  });

  it('links to an existing account only after its password, never by the email alone', async () => {
    const local = await addUser(server, 'linker@example.test');
    upstream.users.set('link-1', { email: 'linker@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'corp');
    const proof = await upstreamLogin(browser, page, 'link-1');
    expect(proof.status).to.equal(200);
    expect(proof.html).to.include('Link your Corp corp sign-in');
    expect(await identityLinkModel(server.connection).countDocuments({ sub: 'link-1' })).to.equal(0);

    const wrong = await browser.submit(proof, '/upstream/link', { password: 'not the password' });
    expect(wrong.status).to.equal(401);
    expect(await identityLinkModel(server.connection).countDocuments({ sub: 'link-1' })).to.equal(0);

    const linked = await browser.submit(wrong, '/upstream/link', { password: local.password });
    const tokens = await tokensFor(request, linked.leftTo ? linked : await browser.submit(linked, '/confirm'));
    expect(tokens.claims()!.sub).to.equal(local.id);
    const link = await identityLinkModel(server.connection).findOne({ idp: 'corp', sub: 'link-1' }).lean();
    expect(link?.accountId).to.equal(local.id);

    // The next time the upstream alone signs in to that account.
    const again = newBrowser();
    const second = await toUpstreamLogin(again, 'corp');
    const back = await upstreamLogin(again, second.page, 'link-1');
    expect(back.html).to.not.include('Link your');
  });

  it('shows the links on /account, and the user can unlink one', async () => {
    const local = await addUser(server, 'unlinker@example.test');
    upstream.users.set('unlink-1', { email: 'unlinker@example.test', email_verified: true });
    const browser = newBrowser();
    const { page } = await toUpstreamLogin(browser, 'corp');
    const proof = await upstreamLogin(browser, page, 'unlink-1');
    await browser.submit(proof, '/upstream/link', { password: local.password });
    // The same browser has a session now (signed in through the upstream): the account page opens on it.
    const account = await browser.open('/account');
    expect(account.url.pathname).to.equal('/account');
    expect(account.html).to.include('Sign-in with other providers');
    expect(account.html).to.include('Corp corp (unlinker@example.test)');
    const unlinked = await browser.submit(account, '/account/links/remove');
    expect(unlinked.status).to.equal(200);
    expect(unlinked.html).to.include('The sign-in was unlinked.');
    expect(await identityLinkModel(server.connection).countDocuments({ sub: 'unlink-1' })).to.equal(0);
    const [audited] = (await events('upstream.unlink')).filter((e) => e.account === local.id);
    expect(audited?.details).to.include({ idp: 'corp', sub: 'unlink-1', iss: upstream.issuer });

    // Another account's link cannot be removed by naming its id.
    const someoneElse = await addUser(server);
    await createLink(server.connection, { idp: 'corp', iss: upstream.issuer, sub: 'someone-else' }, someoneElse.id);
    const other = await identityLinkModel(server.connection).findOne({ sub: 'someone-else' }).lean();
    const refused = await browser.fetch('/account/links/remove', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf: /name="csrf" value="([^"]+)"/.exec(unlinked.html)![1]!,
        link: other!._id,
      }).toString(),
    });
    expect(refused.status).to.equal(400);
    expect(await identityLinkModel(server.connection).countDocuments({ _id: other!._id })).to.equal(1);
  });

  it("links after one of the account's passkeys instead of its password", async () => {
    const local = await addUser(server, 'keyholder@example.test');
    const authenticator = new SoftAuthenticator(server.issuer);
    const setup = new Browser(server.issuer);
    await addPasskey(setup, await openAccount(setup, local), authenticator, 'Laptop');
    upstream.users.set('keyholder', { email: 'keyholder@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'corp');
    const proof = await upstreamLogin(browser, page, 'keyholder');
    const optionsPath = `${proof.url.pathname}/link/passkey/options`;
    const options = await passkeyOptions<RequestOptions>(browser, proof, '/upstream/link/passkey', optionsPath);
    const linked = await postCredential(browser, proof, '/upstream/link/passkey', authenticator.assert(options));
    const tokens = await tokensFor(request, linked.leftTo ? linked : await browser.submit(linked, '/confirm'));
    expect(tokens.claims()!.sub).to.equal(local.id);
    // The passkey was the second factor too: no second prompt for it.
    expect(tokens.claims()!.amr).to.deep.equal(['fed', 'hwk', 'mfa']);
    expect(
      await identityLinkModel(server.connection).countDocuments({ sub: 'keyholder', accountId: local.id }),
    ).to.equal(1);
  });

  it('refuses an email the upstream has not verified: no link to the existing account, no new account', async () => {
    await addUser(server, 'victim@example.test');
    upstream.users.set('attacker', { email: 'victim@example.test', email_verified: false });
    const browser = newBrowser();
    const { page } = await toUpstreamLogin(browser, 'corp');
    const refused = await upstreamLogin(browser, page, 'attacker');
    expect(refused.status).to.equal(403);
    expect(refused.html).to.include('has not verified the email address');
    expect(refused.html).to.not.include('/upstream/link"');
    expect(await identityLinkModel(server.connection).countDocuments({ sub: 'attacker' })).to.equal(0);

    upstream.users.set('unverified-new', { email: 'nobody-yet@example.test', email_verified: 'false' });
    const other = newBrowser();
    const second = await toUpstreamLogin(other, 'corp');
    const refusedNew = await upstreamLogin(other, second.page, 'unverified-new');
    expect(refusedNew.status).to.equal(403);
    expect(await accountModel(server.connection).countDocuments({ email: 'nobody-yet@example.test' })).to.equal(0);
    const [failure] = (await events('upstream.failure')).filter((e) => e.details?.sub === 'unverified-new');
    expect(failure?.details).to.include({ reason: 'unverified_email', iss: upstream.issuer });
  });

  it('a link whose account was deleted starts afresh instead of signing in as nobody', async () => {
    await createLink(server.connection, { idp: 'corp', iss: upstream.issuer, sub: 'orphan' }, 'deleted-account-id');
    upstream.users.set('orphan', { email: 'orphan@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'corp');
    const back = await upstreamLogin(browser, page, 'orphan');
    const claims = (await tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'))).claims()!;
    const account = await accountModel(server.connection).findOne({ email: 'orphan@example.test' }).lean();
    expect(claims.sub).to.equal(account?._id);
    const links = await identityLinkModel(server.connection).find({ sub: 'orphan' }).lean();
    expect(links.map((link) => link.accountId)).to.deep.equal([account?._id]);
  });

  it('creates no account where the upstream may not provision', async () => {
    upstream.users.set('stranger', { email: 'stranger@example.test', email_verified: true });
    const browser = newBrowser();
    const { page } = await toUpstreamLogin(browser, 'strict');
    const refused = await upstreamLogin(browser, page, 'stranger');
    expect(refused.status).to.equal(403);
    expect(refused.html).to.include('no account here for you');
    expect(await accountModel(server.connection).countDocuments({ email: 'stranger@example.test' })).to.equal(0);
  });

  for (const [kind, name] of [
    ['nonce', 'another nonce'],
    ['iss', 'another issuer'],
    ['signature', 'a broken signature'],
  ] as const) {
    it(`refuses an ID token with ${name}, with a page that says so`, async () => {
      upstream.users.set(`bad-${kind}`, { email: `bad-${kind}@example.test`, email_verified: true });
      upstream.tamper = { kind };
      const browser = newBrowser();
      const { page } = await toUpstreamLogin(browser, 'corp');
      const refused = await upstreamLogin(browser, page, `bad-${kind}`);
      expect(refused.status).to.equal(502);
      expect(refused.html).to.include('could not be verified');
      expect(refused.html).to.include('Back to sign in');
      expect(refused.leftTo).to.equal(undefined);
      expect(await accountModel(server.connection).countDocuments({ email: `bad-${kind}@example.test` })).to.equal(0);
      const failures = (await events('upstream.failure')).filter((e) => e.details?.reason === 'refused');
      expect(failures.length).to.be.greaterThan(0);
    });
  }

  it('a callback is used once, and only by the browser that started it', async () => {
    upstream.users.set('replayer', { email: 'replayer@example.test', email_verified: true });
    // Two jars, one per origin, so the test holds the callback URL the upstream sends back.
    const ours = new Browser(server.issuer);
    const theirs = new Browser(upstream.issuer);
    const request = await authorizationRequest(rp);
    const login = await ours.open(request.url);
    const started = await ours.submit(login, '/upstream/start', { idp: 'corp' });
    const upstreamPage = await theirs.open(started.leftTo!);
    const answered = await theirs.submit(upstreamPage, upstreamPage.url.pathname, { login: 'replayer', password: 'x' });
    const callback = answered.leftTo!;
    expect(callback.pathname).to.equal('/upstream/corp/callback');

    // Another browser with the stolen callback URL (no flow cookie) gets nothing, and spends nothing.
    const thief = await new Browser(server.issuer).open(callback);
    expect(thief.status).to.equal(400);
    expect(thief.html).to.include('started in another browser');

    const first = await ours.open(callback);
    expect(first.leftTo ?? first.html.includes('/confirm"')).to.not.equal(false);
    const replay = await ours.open(callback);
    expect(replay.status).to.equal(400);
    expect(replay.html).to.include('has expired');
  });

  it('keeps the local second factor: an upstream amr saying "otp" does not replace it', async () => {
    const local = await addUser(server, 'two-factor@example.test');
    const secret = await enrollTotp(server, local, MFA_KEY);
    upstream.users.set('tf', { email: 'two-factor@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'corp');
    upstream.tamper = { kind: 'claims', claims: { amr: ['pwd', 'otp', 'mfa'], acr: 'urn:upstream:mfa' } };
    const proof = await upstreamLogin(browser, page, 'tf');
    const mfa = await browser.submit(proof, '/upstream/link', { password: local.password });
    expect(mfa.html).to.include('/mfa"');
    const done = await browser.submit(mfa, '/mfa', { code: await totpCode(secret) });
    const claims = (await tokensFor(request, done.leftTo ? done : await browser.submit(done, '/confirm'))).claims()!;
    expect(claims.amr).to.deep.equal(['fed', 'otp', 'mfa']);
    expect(claims.acr).to.equal(ACR_MFA);
    const [signIn] = (await events('upstream.sign_in')).filter((e) => e.account === local.id);
    expect(signIn?.details).to.deep.include({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:upstream:mfa' });
  });

  it("counts the upstream's acr as a second factor only where the operator said so", async () => {
    upstream.users.set('trusted', { email: 'trusted@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'mfa-trusted', { acr_values: ACR_MFA });
    upstream.tamper = { kind: 'claims', claims: { acr: 'urn:upstream:mfa' } };
    const back = await upstreamLogin(browser, page, 'trusted');
    expect(back.html).to.not.include('/mfa/enroll"');
    const claims = (await tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'))).claims()!;
    expect(claims.acr).to.equal(ACR_MFA);
    expect(claims.amr).to.deep.equal(['fed', 'mfa']);

    // The same acr from an upstream not configured to be trusted: the second factor is still asked.
    upstream.users.set('untrusted', { email: 'untrusted@example.test', email_verified: true });
    const other = newBrowser();
    const second = await toUpstreamLogin(other, 'corp', { acr_values: ACR_MFA });
    const asked = await upstreamLogin(other, second.page, 'untrusted');
    expect(asked.html).to.include('/mfa/enroll"');
  });

  it('home-realm discovery: a routed domain goes to its upstream, and its password is never checked', async () => {
    const routed = await addUser(server, 'alice@corp.example');
    const browser = newBrowser();
    const request = await authorizationRequest(rp);
    const login = await browser.open(request.url);
    expect(login.html).to.include('data-routed-domains');
    const form = await browser.submit(login, '/login', { email: 'alice@corp.example', password: routed.password });
    expect(form.url.origin, 'the password form leads to the upstream').to.equal(upstream.issuer);
    expect((await events('login.success')).filter((e) => e.account === routed.id)).to.have.length(0);

    // Another upstream vouching for an address of that domain does not get around the routed one.
    upstream.users.set('sneaky', { email: 'carol@corp.example', email_verified: true });
    const sneaky = newBrowser();
    const viaOther = await toUpstreamLogin(sneaky, 'corp');
    const refused = await upstreamLogin(sneaky, viaOther.page, 'sneaky');
    expect(refused.status).to.equal(403);
    expect(refused.html).to.include('signs in with your organisation');
    expect(await accountModel(server.connection).countDocuments({ email: 'carol@corp.example' })).to.equal(0);

    // A client's login_hint of that domain skips our screen altogether.
    const hinted = newBrowser();
    const hintedRequest = await authorizationRequest(rp, { login_hint: 'bob@corp.example' });
    const straight = await hinted.open(hintedRequest.url);
    expect(straight.url.origin).to.equal(upstream.issuer);
    expect(straight.url.searchParams.get('login_hint')).to.equal(null);
  });

  it('home-realm discovery: a local passkey of a routed address no longer signs in by itself', async () => {
    // Made through the routed upstream (just in time), then given a passkey on /account.
    upstream.users.set('gina', { email: 'gina@corp.example', email_verified: true });
    const browser = newBrowser();
    const request = await authorizationRequest(rp, { login_hint: 'gina@corp.example' });
    const back = await upstreamLogin(browser, await browser.open(request.url), 'gina');
    await tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));
    const authenticator = new SoftAuthenticator(server.issuer);
    const added = await addPasskey(browser, await browser.open('/account'), authenticator, 'Phone');
    expect(added.html).to.include('added');

    const other = newBrowser();
    const login = await other.open((await authorizationRequest(rp)).url);
    const options = await passkeyOptions<RequestOptions>(
      other,
      login,
      '/passkey',
      `${login.url.pathname}/passkey/options`,
    );
    const refused = await postCredential(other, login, '/passkey', authenticator.assert(options));
    expect(refused.status).to.equal(401);
    expect(refused.leftTo).to.equal(undefined);
  });

  it('logout here goes through the upstream end-session endpoint when configured, then on to the app', async () => {
    upstream.users.set('leaver', { email: 'leaver@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'logout');
    const back = await upstreamLogin(browser, page, 'leaver');
    const tokens = await tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));

    const logout = await browser.open(
      `/session/end?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9999/')}`,
    );
    const upstreamConfirm = await browser.submit(logout, '/session/end/confirm', { logout: 'yes' });
    expect(upstreamConfirm.url.origin, 'through the upstream').to.equal(upstream.issuer);
    const done = await browser.submit(upstreamConfirm, '/session/end/confirm', { logout: 'yes' });
    expect(done.leftTo?.href).to.equal('http://127.0.0.1:9999/');
    // Signed out here: the next authorization request asks for a sign-in again.
    const next = await browser.open((await authorizationRequest(rp)).url);
    expect(next.html).to.include('Continue with Corp logout');

    // A state that was not ours (or is spent) leads nowhere but the signed-out page.
    const forged = await new Browser(server.issuer).open('/upstream/logged-out?state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(forged.status).to.equal(200);
    expect(forged.leftTo).to.equal(undefined);
  });

  it('goes through the upstream logout whichever spelling of /session/end/confirm the form is posted to', async () => {
    upstream.users.set('leaver-2', { email: 'leaver2@example.test', email_verified: true });
    const browser = newBrowser();
    const { request, page } = await toUpstreamLogin(browser, 'logout');
    const back = await upstreamLogin(browser, page, 'leaver-2');
    const tokens = await tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));
    const logout = await browser.open(
      `/session/end?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9999/')}`,
    );
    const form = parseForms(logout.html).find((f) => f.action.endsWith('/session/end/confirm'))!;
    // The library routes any case and a trailing slash here (attack-path-spellings.test.ts).
    const answer = await browser.fetch('/SESSION/End/confirm/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, logout: 'yes' }).toString(),
    });
    await answer.arrayBuffer();
    expect(new URL(answer.headers.get('location')!, server.issuer).origin, 'through the upstream').to.equal(
      upstream.issuer,
    );
  });

  it("keeps mapped local groups in step with the upstream's groups at every sign-in", async () => {
    upstream.users.set('grouped', {
      email: 'grouped@example.test',
      email_verified: true,
      groups: ['corp-ops', 'other'],
    });
    const signInMapped = async () => {
      const browser = newBrowser();
      const { request, page } = await toUpstreamLogin(browser, 'mapped');
      const back = await upstreamLogin(browser, page, 'grouped');
      return tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));
    };
    const first = (await signInMapped()).claims()!;
    const groupsOf = async () =>
      (await groupMemberModel(server.connection).find({ accountId: first.sub }).lean()).map((m) => m.group).sort();
    expect(await groupsOf()).to.deep.equal(['staff']);
    // An operator's own membership is not the upstream's to take away.
    await addMember(server.connection, 'auditors', first.sub);

    upstream.users.set('grouped', { email: 'grouped@example.test', email_verified: true, groups: ['corp-audit'] });
    await signInMapped();
    expect(await groupsOf()).to.deep.equal(['auditors']);
    const memberships = await groupMemberModel(server.connection).find({ accountId: first.sub }).lean();
    expect(memberships.map((m) => m.source)).to.deep.equal(['admin']);
  });

  it('refuses to follow an upstream whose discovery points into the internal network', async () => {
    // A second upstream whose token endpoint, says its discovery, is the cloud metadata address.
    const hostile = await startUpstreamProvider([`${server.issuer}/upstream/inward/callback`]);
    hostile.discoveryOverride = { token_endpoint: 'http://169.254.169.254/latest/meta-data/token' };
    hostile.users.set('someone', { email: 'inward@example.test', email_verified: true });
    try {
      await addIdp(server.connection, Buffer.from(KEK, 'base64'), {
        id: 'inward',
        type: 'oidc',
        displayName: 'Corp inward',
        issuer: hostile.issuer,
        clientId: hostile.clientId,
        clientSecret: hostile.clientSecret,
        provision: true,
      });
      const browser = new Browser(server.issuer, [hostile.issuer]);
      const request = await authorizationRequest(rp);
      let login = await browser.open(request.url);
      for (let i = 0; i < 30 && !login.html.includes('Continue with Corp inward'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        login = await browser.open(login.url);
      }
      const page = await browser.submit(login, '/upstream/start', { idp: 'inward' });
      const back = await browser.submit(page, page.url.pathname, { login: 'someone', password: 'x' });
      expect(back.status).to.equal(502);
      expect(back.leftTo).to.equal(undefined);
      const [failure] = (await events('upstream.failure')).filter((e) => e.details?.idp === 'inward');
      expect(String(failure?.details?.detail)).to.include('special-use address');
    } finally {
      await idpModel(server.connection).deleteOne({ _id: 'inward' });
      await hostile.close();
    }
  });

  it('creates one account and one link when the same new identity arrives twice at once', async () => {
    const idp = (await idpModel(server.connection).findById('corp').lean())!;
    const identity = { iss: upstream.issuer, sub: 'twice', email: 'twice@example.test', emailVerified: true };
    const results = await Promise.all(
      [1, 2, 3].map(() => settleIdentity(server.connection, { ...idp, hasIcon: false }, identity)),
    );
    const accounts = await accountModel(server.connection).find({ email: 'twice@example.test' }).lean();
    expect(accounts).to.have.length(1);
    const links = await identityLinkModel(server.connection).find({ idp: 'corp', sub: 'twice' }).lean();
    expect(links.map((l) => l.accountId)).to.deep.equal([accounts[0]!._id]);
    for (const result of results) {
      expect(result.kind).to.be.oneOf(['created', 'linked', 'prove']);
      if (result.kind === 'created' || result.kind === 'linked') expect(result.accountId).to.equal(accounts[0]!._id);
    }
  });

  it('builds every address it sends a browser to from the issuer, whatever Host says', async () => {
    for (const path of ['/admin/login', '/account/login']) {
      const answer = await rawRequest(server.issuer, {
        method: 'GET',
        path,
        host: 'evil.example',
        headers: { 'x-forwarded-host': 'evil.example' },
      });
      expect(answer.headers.location, path).to.match(new RegExp(`^${server.issuer}/auth\\?`));
      expect(answer.headers.location).to.include(encodeURIComponent(server.issuer));
    }
    const browser = new Browser(server.issuer);
    const login = await browser.open((await authorizationRequest(rp)).url);
    const started = await browser.submit(login, '/upstream/start', { idp: 'corp' });
    expect(started.leftTo?.searchParams.get('redirect_uri')).to.equal(`${server.issuer}/upstream/corp/callback`);
  });

  it('an upstream that is down or never answers gets a page, not a hang', async () => {
    for (const id of ['down', 'hangs']) {
      const browser = newBrowser();
      const login = await browser.open((await authorizationRequest(rp)).url);
      const page = await browser.submit(login, '/upstream/start', { idp: id });
      expect(page.status, id).to.equal(502);
      expect(page.html).to.include(`Corp ${id} is not answering`);
      expect(page.html).to.include('Back to sign in');
    }
  });

  it('admin CLI: add with the secret on stdin, show without it, disable, delete', async () => {
    const admin = (args: string[], stdin = '') =>
      runAdminWith(
        {
          MONGODB_URI: testDatabaseUri(),
          MONGODB_DATABASE: server.connection.name,
          KEY_ENCRYPTION_KEY: KEK,
          ISSUER: server.issuer,
        },
        args,
        stdin,
      );
    const added = await admin(
      [
        'idps',
        'add',
        '--type',
        'oidc',
        '--id',
        'cli',
        '--issuer',
        upstream.issuer,
        '--client-id',
        upstream.clientId,
        '--client-secret-stdin',
        '--name',
        'Corp cli',
        '--provision',
      ],
      `${upstream.clientSecret}\n`,
    );
    expect(added.code, added.stderr).to.equal(0);
    expect(added.stdout).to.include(`${server.issuer}/upstream/cli/callback`);
    const shown = await admin(['idps', 'show', 'cli', '--json']);
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.stdout).to.not.include(upstream.clientSecret);
    expect(JSON.parse(shown.stdout)).to.include({ id: 'cli', type: 'oidc', provision: true, enabled: true });
    const stored = await idpModel(server.connection).findById('cli').lean();
    expect(stored?.sealedClientSecret).to.not.include(upstream.clientSecret);

    // Works without a restart: the new upstream signs a user in.
    upstream.users.set('cli-user', { email: 'cli-user@example.test', email_verified: true });
    const browser = newBrowser();
    const request = await authorizationRequest(rp);
    let login = await browser.open(request.url);
    for (let i = 0; i < 30 && !login.html.includes('Continue with Corp cli'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      login = await browser.open(login.url);
    }
    const page = await browser.submit(login, '/upstream/start', { idp: 'cli' });
    const back = await upstreamLogin(browser, page, 'cli-user');
    await tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));

    const bad = await admin(
      ['idps', 'add', '--type', 'oidc', '--id', 'Bad Id', '--issuer', 'ftp://x', '--client-id', 'c'],
      's\n',
    );
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('id must be');

    const disabled = await admin(['idps', 'disable', 'cli']);
    expect(disabled.code, disabled.stderr).to.equal(0);
    const deleted = await admin(['idps', 'delete', 'cli']);
    expect(deleted.code, deleted.stderr).to.equal(0);
    expect(deleted.stdout).to.include('1 account link');
    expect(await identityLinkModel(server.connection).countDocuments({ idp: 'cli' })).to.equal(0);
    const audit = await auditModel(server.connection)
      .find({ event: /^admin\.idp\./ })
      .lean();
    expect(audit.map((e) => e.event)).to.include.members([
      'admin.idp.added',
      'admin.idp.disabled',
      'admin.idp.deleted',
    ]);
  });
});
