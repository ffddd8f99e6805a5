import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

describe('sign-in with openid-client as the relying party', () => {
  const t = useTestServer('sign-in', {
    setup: async (server) => ({ clientA: await addWebClient(server), clientB: await addWebClient(server) }),
  });

  it('publishes discovery that openid-client accepts, code flow only, S256 only, iss in responses', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const meta = config.serverMetadata();
    expect(meta.issuer).to.equal(t.server.issuer);
    expect(meta.response_types_supported).to.deep.equal(['code']);
    expect(meta.code_challenge_methods_supported).to.deep.equal(['S256']);
    expect(meta.authorization_response_iss_parameter_supported).to.equal(true);
    expect(meta.introspection_endpoint).to.be.a('string');
    expect(meta.revocation_endpoint).to.be.a('string');
    expect(meta.token_endpoint_auth_methods_supported).to.include.members([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
    expect(meta.token_endpoint_auth_methods_supported).not.to.include('client_secret_jwt');
  });

  it('completes code + PKCE through the login and consent screens, verifies the ID token, reads userinfo', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const browser = new Browser(t.server.issuer);
    const request = await authorizationRequest(config);

    const loginPage = await browser.open(request.url);
    expect(loginPage.status).to.equal(200);
    expect(loginPage.url.pathname).to.match(/^\/interaction\//);
    expect(loginPage.html).to.include('Sign in').and.include('name="csrf"');
    expect(loginPage.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");

    const consentPage = await browser.submit(loginPage, '/login', { email: t.user.email, password: t.user.password });
    expect(consentPage.html).to.include('Allow access').and.include('See your email address');

    const done = await browser.submit(consentPage, '/confirm');
    expect(done.status).to.equal(303);
    const callback = done.leftTo!;
    expect(callback.searchParams.get('iss')).to.equal(t.server.issuer);

    const tokens = await redeem(config, request, callback);
    const claims = tokens.claims()!;
    expect(claims.sub).to.equal(t.user.id);
    expect(claims.iss).to.equal(t.server.issuer);
    expect(claims.aud).to.equal(t.clientA.clientId);
    expect(claims.auth_time).to.be.a('number');
    expect(claims.amr).to.deep.equal(['pwd']);
    expect(tokens.refresh_token).to.be.a('string');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, t.user.id);
    expect(info).to.include({ sub: t.user.id, email: t.user.email, email_verified: true, name: 'Test User' });
  });

  it('gives a second client a code without a password prompt (SSO), after its own consent', async () => {
    const browser = new Browser(t.server.issuer);
    const configA = await relyingParty(t.server.issuer, t.clientA);
    const first = await authorizationRequest(configA);
    await redeem(configA, first, await signIn(browser, first, t.user));

    const configB = await relyingParty(t.server.issuer, t.clientB);
    const request = await authorizationRequest(configB);
    const page = await browser.open(request.url);
    expect(page.html).not.to.include('name="password"');
    expect(page.html).to.include('/confirm"');
    const done = await browser.submit(page, '/confirm');
    const tokens = await redeem(configB, request, done.leftTo!);
    expect(tokens.claims()!.sub).to.equal(t.user.id);
  });

  it('does not ask for consent on behalf of a first-party client', async () => {
    const firstParty = await addWebClient(t.server, { first_party: true });
    const config = await relyingParty(t.server.issuer, firstParty);
    const browser = new Browser(t.server.issuer);
    const request = await authorizationRequest(config);
    const page = await browser.open(request.url);
    const done = await browser.submit(page, '/login', { email: t.user.email, password: t.user.password });
    expect(done.leftTo, 'went straight back to the client').to.not.equal(undefined);
    const tokens = await redeem(config, request, done.leftTo!);
    expect(tokens.claims()!.sub).to.equal(t.user.id);
  });

  it('remembers consent in the grant: the same client is not asked twice', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const browser = new Browser(t.server.issuer);
    const first = await authorizationRequest(config);
    await redeem(config, first, await signIn(browser, first, t.user));
    const second = await authorizationRequest(config);
    const page = await browser.open(second.url);
    expect(page.leftTo!.searchParams.get('code')).to.be.a('string');
  });

  it('answers prompt=none with login_required without a session, and with a code when signed in', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const anonymous = new Browser(t.server.issuer);
    const silent = await authorizationRequest(config, { prompt: 'none' });
    const refused = await anonymous.open(silent.url);
    expect(refused.leftTo!.searchParams.get('error')).to.equal('login_required');
    expect(refused.leftTo!.searchParams.get('state')).to.equal(silent.state);

    const browser = new Browser(t.server.issuer);
    const first = await authorizationRequest(config);
    await redeem(config, first, await signIn(browser, first, t.user));
    const again = await authorizationRequest(config, { prompt: 'none' });
    const page = await browser.open(again.url);
    expect(page.leftTo!.searchParams.get('code')).to.be.a('string');
    const tokens = await redeem(config, again, page.leftTo!);
    expect(tokens.claims()!.sub).to.equal(t.user.id);
  });

  it('forces a fresh sign-in for prompt=login and max_age=0, and moves auth_time', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const browser = new Browser(t.server.issuer);
    const first = await authorizationRequest(config);
    const firstTokens = await redeem(config, first, await signIn(browser, first, t.user));
    const firstAuthTime = firstTokens.claims()!.auth_time as number;

    await new Promise((resolve) => setTimeout(resolve, 1100)); // auth_time has one-second resolution
    for (const params of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const request = await authorizationRequest(config, params);
      const page = await browser.open(request.url);
      expect(page.html, JSON.stringify(params)).to.include('name="password"');
      const tokens = await redeem(config, request, await signIn(browser, request, t.user));
      expect(tokens.claims()!.auth_time).to.be.greaterThan(firstAuthTime);
    }
  });

  it('honours id_token_hint: a code for the same user, login_required for another', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const browser = new Browser(t.server.issuer);
    const first = await authorizationRequest(config);
    const mine = await redeem(config, first, await signIn(browser, first, t.user));

    const same = await authorizationRequest(config, { prompt: 'none', id_token_hint: mine.id_token! });
    expect((await browser.open(same.url)).leftTo!.searchParams.get('code')).to.be.a('string');

    const other = await addUser(t.server);
    const otherBrowser = new Browser(t.server.issuer);
    const otherFirst = await authorizationRequest(config);
    const theirs = await redeem(config, otherFirst, await signIn(otherBrowser, otherFirst, other));
    const mismatch = await authorizationRequest(config, { prompt: 'none', id_token_hint: theirs.id_token! });
    expect((await browser.open(mismatch.url)).leftTo!.searchParams.get('error')).to.equal('login_required');
  });

  it('pre-fills the email from login_hint and ignores unknown parameters', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const request = await authorizationRequest(config, { login_hint: 'hint@example.test', unknown_param: 'x' });
    const page = await new Browser(t.server.issuer).open(request.url);
    expect(page.status).to.equal(200);
    expect(page.html).to.include('value="hint@example.test"');
  });

  it('returns access_denied to the client when the user cancels', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const browser = new Browser(t.server.issuer);
    const request = await authorizationRequest(config);
    const page = await browser.open(request.url);
    const done = await browser.submit(page, '/abort');
    expect(done.status).to.equal(303);
    expect(done.leftTo!.searchParams.get('error')).to.equal('access_denied');
    expect(done.leftTo!.searchParams.get('state')).to.equal(request.state);
  });

  it('answers a wrong password and an unknown email with the same page and status', async () => {
    const config = await relyingParty(t.server.issuer, t.clientA);
    const attempt = async (email: string, password: string) => {
      const browser = new Browser(t.server.issuer);
      const page = await browser.open((await authorizationRequest(config)).url);
      return browser.submit(page, '/login', { email, password });
    };
    const wrongPassword = await attempt(t.user.email, 'not-the-password');
    const unknownEmail = await attempt('nobody@example.test', 'not-the-password');
    expect(wrongPassword.status).to.equal(401);
    expect(unknownEmail.status).to.equal(wrongPassword.status);
    const message = (html: string) => /<p class="error"[^>]*>([^<]*)</.exec(html)?.[1];
    expect(message(wrongPassword.html)).to.equal('Wrong email or password.');
    expect(message(unknownEmail.html)).to.equal(message(wrongPassword.html));
  });
});
