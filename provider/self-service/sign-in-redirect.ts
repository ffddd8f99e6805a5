import { createHash, randomBytes } from 'node:crypto';

import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { ACCOUNT_CLIENT_ID, accountCallbackUrl } from './account-client.ts';

/**
 * GET /account/login — starts an ordinary authorization request for the account client, so the
 * visitor signs in through the same screens (and MFA policy) as for any application. A session
 * that has only done the password step meets the provider's mfa prompt here.
 * GET /account/reauthenticate passes prompt=login: the password (and then the second factor) is
 * asked again even in a signed-in session, which refreshes its authentication time.
 */
export function startAccountSignIn(issuer: string, extra: Record<string, string> = {}) {
  return async function startAccountSignIn(ctx: Context): Promise<void> {
    const url = new URL('/auth', issuer);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: accountCallbackUrl(issuer),
      // PKCE is required of every client; this one never redeems its code (it needs no tokens).
      code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    }).toString();
    ctx.redirect(url.href);
  };
}

/** GET /account/callback — the session now exists; an error (such as a cancel) is shown. */
export async function finishAccountSignIn(ctx: Context): Promise<void> {
  if (typeof ctx.query.error === 'string') throw new InvalidRequest('Sign-in was not completed.');
  ctx.redirect('/account');
}
