import type { Context, Next } from 'koa';

import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';

/** Whether a session authenticated at `loginTs` is recent enough for a sensitive action. */
export function isRecent(loginTs: number, windowSeconds: number, now = Date.now()): boolean {
  return now / 1000 - loginTs <= windowSeconds;
}

/**
 * Sensitive actions (password, second-factor changes) need an authentication younger than
 * ACCOUNT_REAUTH_SECONDS, like GitHub's sudo mode: a stolen but old session cannot take the
 * account over. An older one is asked to sign in again through /account/reauthenticate.
 */
export function requireRecentSignIn(deps: AccountDeps) {
  return async function requireRecentSignIn(ctx: Context, next: Next) {
    if (isRecent(ctx.state.accountSession!.loginTs, deps.reauthSeconds)) return next();
    return renderAccount(
      deps,
      ctx,
      { error: 'For your security, sign in again to make this change.', reauthenticate: true },
      401,
    );
  };
}
