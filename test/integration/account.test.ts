import { expect } from 'chai';
import * as oidc from 'openid-client';

import { mfaModel } from '../../provider/mfa/mfa-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestUser } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { awayFromStepBoundary, recoveryCodesOnPage, secretOnPage, totpCode } from '../helpers/totp.ts';

describe('account page: second-factor self-service', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer('account', { MFA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') });
  });
  after(() => server.stop());

  /** Opens /account, signing in through the real screens on the way. */
  async function openAccount(browser: Browser, user: TestUser): Promise<Page> {
    const login = await browser.open('/account');
    expect(login.url.pathname).to.match(/^\/interaction\//);
    const after = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(after.url.pathname).to.equal('/account');
    return after;
  }

  it('sends a visitor without a session to sign in, then shows who is signed in', async () => {
    const user = await addUser(server);
    const page = await openAccount(new Browser(server.issuer), user);
    expect(page.status).to.equal(200);
    expect(page.html).to.include(user.email).and.include('Set up two-step verification');
    expect(page.headers.get('content-security-policy')).to.include("default-src 'none'");
  });

  it('enrolls, regenerates recovery codes and removes the factor, each behind a re-check', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);

    await awayFromStepBoundary(); // the steps of the codes below must not straddle a boundary
    const enroll = await browser.submit(account, '/mfa/start');
    const secret = secretOnPage(enroll);
    const codesPage = await browser.submit(enroll, '/mfa/activate', { code: await totpCode(secret, -1) });
    const firstCodes = recoveryCodesOnPage(codesPage);
    expect(firstCodes).to.have.length(10);
    const on = await browser.open('/account');
    expect(on.html).to.include('Recovery codes left: 10');

    // Another browser signing in to any application is now asked for a code.
    const client = await addWebClient(server);
    const config = await relyingParty(server.issuer, client);
    const elsewhere = new Browser(server.issuer);
    const login = await elsewhere.open((await authorizationRequest(config)).url);
    const prompt = await elsewhere.submit(login, '/login', { email: user.email, password: user.password });
    expect(prompt.html).to.include('Two-step verification');

    const refused = await browser.submit(on, '/mfa/recovery-codes', { code: '000000' });
    expect(refused.status).to.equal(401);
    const renewed = await browser.submit(on, '/mfa/recovery-codes', { code: await totpCode(secret) });
    const newCodes = recoveryCodesOnPage(renewed);
    expect(newCodes).to.have.length(10);
    expect(newCodes).not.to.include(firstCodes[0]);
    const stored = await mfaModel(server.connection).findById(user.id).lean();
    expect(stored!.recoveryCodes).to.have.length(10);

    const password = await browser.submit(on, '/mfa/remove', { proof: user.password });
    expect(password.status, 'the password is not the second factor').to.equal(401);
    expect(await mfaModel(server.connection).countDocuments({ _id: user.id })).to.equal(1);
    const removed = await browser.submit(on, '/mfa/remove', { proof: await totpCode(secret, 1) });
    expect(removed.html).to.include('Two-step verification is off.');
    expect(await mfaModel(server.connection).countDocuments({ _id: user.id })).to.equal(0);
  });

  it('refuses account forms without the session-bound CSRF token', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    const forged = await browser.submit(account, '/mfa/start', { csrf: 'x' });
    expect(forged.status).to.equal(403);

    // A token from another browser's session does not work here either.
    const other = await openAccount(new Browser(server.issuer), await addUser(server));
    const theirToken = /name="csrf" value="([^"]+)"/.exec(other.html)![1]!;
    const crossed = await browser.submit(account, '/mfa/start', { csrf: theirToken });
    expect(crossed.status).to.equal(403);
  });

  it('sends a form post without a session back to /account', async () => {
    const response = await fetch(`${server.issuer}/account/mfa/start`, { method: 'POST', redirect: 'manual' });
    expect(response.status).to.equal(303);
    expect(response.headers.get('location')).to.equal('/account');
  });

  describe('password, applications and sessions', () => {
    async function appTokens(user: TestUser, browser = new Browser(server.issuer)) {
      const client = await addWebClient(server, { client_name: 'Orders App' });
      const { config, tokens } = await signInWithCode(server.issuer, client, user, {}, browser);
      return { client, config, tokens };
    }
    const refreshFails = async (config: Awaited<ReturnType<typeof relyingParty>>, refreshToken: string) =>
      oidc.refreshTokenGrant(config, refreshToken).then(
        () => false,
        (err: oidc.ResponseBodyError) => err.error === 'invalid_grant',
      );

    it('changes the password only with the current one and a policy-compliant new one, and signs other devices out', async () => {
      const user = await addUser(server);
      const elsewhere = await appTokens(user);
      const browser = new Browser(server.issuer);
      const account = await openAccount(browser, user);

      const wrong = await browser.submit(account, '/password', {
        current_password: 'nope',
        new_password: 'a brand new passphrase',
      });
      expect(wrong.status).to.equal(401);
      const common = await browser.submit(account, '/password', {
        current_password: user.password,
        new_password: 'password123',
      });
      expect(common.status).to.equal(400);
      expect(common.html).to.include('too common');

      const changed = await browser.submit(account, '/password', {
        current_password: user.password,
        new_password: 'a brand new passphrase',
      });
      expect(changed.html).to.include('Password changed.');
      expect(await refreshFails(elsewhere.config, elsewhere.tokens.refresh_token!), 'other device signed out').to.equal(
        true,
      );
      expect((await browser.open('/account')).html, 'this browser stays signed in').to.include(user.email);
      const audit = await auditModel(server.connection)
        .findOne({ event: 'account.password_change', account: user.id, outcome: 'success' })
        .lean();
      expect(audit).to.not.equal(null);
    });

    it('lists the applications with access and revokes one: its tokens stop working', async () => {
      const user = await addUser(server);
      const browser = new Browser(server.issuer);
      const { config, tokens } = await appTokens(user, browser);
      const account = await browser.open('/account');
      expect(account.html).to.include('Orders App').and.include('Revoke access of Orders App');
      const revoked = await browser.submit(account, '/applications/revoke');
      expect(revoked.html).to.include('Access revoked.').and.not.include('Revoke access of Orders App');
      expect(await refreshFails(config, tokens.refresh_token!)).to.equal(true);
      const forged = await browser.submit(account, '/applications/revoke', { client: 'an-app-without-access' });
      expect(forged.status).to.equal(400);
    });

    it('signs out everywhere: every session and application', async () => {
      const user = await addUser(server);
      const browser = new Browser(server.issuer);
      const { config, tokens } = await appTokens(user, browser);
      const account = await browser.open('/account');
      const done = await browser.submit(account, '/sign-out-everywhere');
      expect(done.html).to.include('Signed out');
      expect(await refreshFails(config, tokens.refresh_token!)).to.equal(true);
      const again = await browser.open('/account');
      expect(again.url.pathname).to.match(/^\/interaction\//);
    });
  });
});
