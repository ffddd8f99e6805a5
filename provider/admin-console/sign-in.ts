import { createHash, randomBytes } from 'node:crypto';

import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { ACR_MFA } from '../mfa/acr.ts';
import { CONSOLE_CLIENT_ID, consoleCallbackUrl } from './console-client.ts';

/**
 * GET /admin/login — an ordinary authorization request of the console client asking for a
 * second factor (acr mfa): the visitor signs in through the same screens as for any app, and
 * enrolls a factor first if they have none. /admin/reauthenticate adds prompt=login.
 */
export function startConsoleSignIn(issuer: string, extra: Record<string, string> = {}) {
  return async function startConsoleSignIn(ctx: Context): Promise<void> {
    const url = new URL('/auth', issuer);
    url.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: consoleCallbackUrl(issuer),
      acr_values: ACR_MFA,
      // PKCE is required of every client; this one never redeems its code (it needs no tokens).
      code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    }).toString();
    ctx.redirect(url.href);
  };
}

/** GET /admin/callback — the session exists now; a cancelled sign-in is shown as such. */
export async function finishConsoleSignIn(ctx: Context): Promise<void> {
  if (typeof ctx.query.error === 'string') throw new InvalidRequest('Sign-in was not completed.');
  ctx.redirect('/admin');
}
