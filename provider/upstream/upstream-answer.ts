import * as client from 'openid-client';

import type { ActiveIdp } from './idp-directory.ts';
import { identityFromClaims, identityFromGitHub } from './identity-claims.ts';
import type { UpstreamClients } from './upstream-client.ts';
import { UpstreamUnavailable } from './upstream-client.ts';
import type { UpstreamFlowRecord, VerifiedIdentity } from './upstream-flow-model.ts';

/** The upstream's answer did not pass a check (state, nonce, issuer, audience, signature, expiry, PKCE…). */
export class UpstreamAnswerRefused extends Error {
  readonly reason: string;
  constructor(reason: string, cause?: unknown) {
    super(reason, { cause });
    this.reason = reason;
  }
}

/** The user (or the upstream) said no at the upstream: `access_denied` and friends. */
export class UpstreamDeclined extends Error {}

/** The authorization request that sends the browser to the upstream. */
export async function authorizationUrl(
  clients: UpstreamClients,
  idp: ActiveIdp,
  flow: Pick<UpstreamFlowRecord, 'state' | 'nonce' | 'codeVerifier'>,
  redirectUri: string,
  loginHint: string | undefined,
): Promise<URL> {
  const config = await clients.configuration(idp);
  return client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: idp.scopes.join(' '),
    state: flow.state,
    code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: 'S256',
    ...(idp.type === 'oidc' ? { nonce: flow.nonce, response_type: 'code' } : {}),
    // GitHub calls it `login`; OpenID Connect `login_hint`.
    ...(loginHint ? (idp.type === 'github' ? { login: loginHint } : { login_hint: loginHint }) : {}),
  });
}

const refusedBy = (err: unknown): boolean =>
  err instanceof client.ResponseBodyError ||
  err instanceof client.AuthorizationResponseError ||
  (err instanceof Error && (err as { code?: string }).code?.startsWith('OAUTH_') === true);

/**
 * Redeems the code of the callback with every check openid-client makes (state, PKCE, `iss`,
 * and for OpenID Connect the ID token's signature by the upstream's JWKS, issuer, audience,
 * expiry and nonce), then reads who the user is.
 */
export async function redeemCallback(
  clients: UpstreamClients,
  idp: ActiveIdp,
  flow: UpstreamFlowRecord,
  callbackUrl: URL,
): Promise<VerifiedIdentity> {
  const config = await clients.configuration(idp);
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: flow.state,
      pkceCodeVerifier: flow.codeVerifier,
      ...(idp.type === 'oidc' ? { expectedNonce: flow.nonce, idTokenExpected: true } : {}),
    });
  } catch (err) {
    if (err instanceof client.AuthorizationResponseError) throw new UpstreamDeclined(err.error, { cause: err });
    if (refusedBy(err)) throw new UpstreamAnswerRefused((err as Error).message, err);
    throw new UpstreamUnavailable((err as Error).message, { cause: err });
  }
  const identity =
    idp.type === 'github'
      ? await gitHubIdentity(config, idp, tokens.access_token)
      : await oidcIdentity(config, idp, tokens);
  if (!identity) throw new UpstreamAnswerRefused('the upstream did not say who the user is');
  return identity;
}

async function oidcIdentity(
  config: client.Configuration,
  idp: ActiveIdp,
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): Promise<VerifiedIdentity | undefined> {
  const claims = tokens.claims();
  if (!claims) return undefined;
  let merged: Record<string, unknown> = { ...claims };
  if (idp.userinfo) {
    try {
      // The subject must be the ID token's: openid-client checks it.
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      merged = { ...userinfo, ...claims };
    } catch (err) {
      if (refusedBy(err)) throw new UpstreamAnswerRefused((err as Error).message, err);
      throw new UpstreamUnavailable((err as Error).message, { cause: err });
    }
  }
  return identityFromClaims(claims.iss, merged, idp.claims);
}

async function gitHubIdentity(
  config: client.Configuration,
  idp: ActiveIdp,
  accessToken: string,
): Promise<VerifiedIdentity | undefined> {
  const get = async (path: string) => {
    let response: Response;
    try {
      response = await client.fetchProtectedResource(
        config,
        accessToken,
        new URL(`${idp.apiUrl}${path}`),
        'GET',
        undefined,
        new Headers({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }),
      );
    } catch (err) {
      throw new UpstreamUnavailable((err as Error).message, { cause: err });
    }
    if (!response.ok) throw new UpstreamAnswerRefused(`GitHub answered ${response.status} for ${path}`);
    return response.json() as Promise<unknown>;
  };
  const [user, emails] = await Promise.all([get('/user'), get('/user/emails')]);
  return identityFromGitHub(idp.issuer, (user ?? {}) as Record<string, unknown>, emails);
}
