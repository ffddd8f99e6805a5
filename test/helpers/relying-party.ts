import * as oidc from 'openid-client';

import { Browser, type Page } from './browser.ts';
import { CALLBACK, type TestClient, type TestUser } from './fixtures.ts';

/** An openid-client relying party for one of our clients (plain http is fine on 127.0.0.1). */
export async function relyingParty(issuer: string, client: TestClient): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(issuer),
    client.clientId,
    client.clientSecret,
    oidc.ClientSecretBasic(client.clientSecret),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<AuthorizationRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** Signs in through the real screens (login, then consent if asked) and returns the callback URL. */
export async function signIn(browser: Browser, request: AuthorizationRequest, user: TestUser): Promise<URL> {
  let page: Page = await browser.open(request.url);
  if (page.html.includes('/login"')) {
    page = await browser.submit(page, '/login', { email: user.email, password: user.password });
  }
  if (page.html.includes('/confirm"')) {
    page = await browser.submit(page, '/confirm');
  }
  if (!page.leftTo)
    throw new Error(`sign-in did not return to the client (status ${page.status}):\n${page.html.slice(0, 800)}`);
  return page.leftTo;
}

export async function redeem(config: oidc.Configuration, request: AuthorizationRequest, callback: URL) {
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

/**
 * The whole code flow as a user goes through it: a relying party for `client`, an authorization
 * request, the real screens, and the code redeemed. The test setup written most often.
 */
export async function signInWithCode(
  issuer: string,
  client: TestClient,
  user: TestUser,
  params: Record<string, string> = {},
  browser = new Browser(issuer),
) {
  const config = await relyingParty(issuer, client);
  const request = await authorizationRequest(config, params);
  const tokens = await redeem(config, request, await signIn(browser, request, user));
  return { config, request, tokens, browser };
}
