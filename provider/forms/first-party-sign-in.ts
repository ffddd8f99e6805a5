import { createHash, randomBytes } from 'node:crypto';

import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';

/**
 * The provider's own pages (the account page, the console) send a visitor to sign in with an
 * ordinary authorization request of their built-in client, so the same screens and MFA policy
 * apply as for any application. They need no tokens: signing in establishes the SSO session they
 * read, so the code is never redeemed and the PKCE verifier is thrown away.
 */
export function startFirstPartySignIn(
  issuer: string,
  client: { clientId: string; redirectUri: string },
  extra: Record<string, string> = {},
) {
  return async function startFirstPartySignIn(ctx: Context): Promise<void> {
    const url = new URL('/auth', issuer);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: client.redirectUri,
      code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    }).toString();
    ctx.redirect(url.href);
  };
}

/** The callback: the session exists now, so on to the page; an error (such as a cancel) is shown. */
export function finishFirstPartySignIn(landing: string) {
  return async function finishFirstPartySignIn(ctx: Context): Promise<void> {
    if (typeof ctx.query.error === 'string') throw new InvalidRequest('Sign-in was not completed.');
    ctx.redirect(landing);
  };
}
