import type { Context, Next } from 'koa';

import type { MfaPolicy } from '../config.ts';
import type { LiveProvider } from '../forms/csrf.ts';
import { hasAnyFactor, mfaStatus } from '../mfa/mfa-status.ts';
import { hasSecondFactor } from '../passkeys/passkey-methods.ts';
import type { AccountDeps } from './account-deps.ts';
import { currentSession, type AccountSession } from '../sessions/current-session.ts';

/** Whether the session's authentication meets what the account itself demands. */
export function satisfiesPolicy(session: Pick<AccountSession, 'amr'>, needsSecondFactor: boolean): boolean {
  return !needsSecondFactor || hasSecondFactor(session.amr);
}

/**
 * Account pages need a signed-in browser whose sign-in satisfies the account's own policy: an
 * account with a second factor (or everyone, under MFA_POLICY=required) must have used it in
 * this session. oidc-provider records the password step in the session before the second factor
 * is asked, so a sign-in abandoned at the code screen has a session; it is sent back through
 * /account/login, where the provider's mfa prompt asks for the code. Anyone else signs in first.
 */
export function requireSession(
  live: Pick<LiveProvider, 'provider'>,
  deps: Pick<AccountDeps, 'connection' | 'mfaPolicy'>,
) {
  return async function requireSession(ctx: Context, next: Next) {
    const session = await currentSession(live.provider, ctx);
    const needsSecondFactor =
      session !== undefined && (await secondFactorDemanded(deps.connection, deps.mfaPolicy, session.accountId));
    if (!session || !satisfiesPolicy(session, needsSecondFactor)) {
      if (ctx.method !== 'GET') {
        ctx.status = 303;
        return ctx.redirect('/account');
      }
      return ctx.redirect('/account/login');
    }
    ctx.state.accountSession = session;
    return next();
  };
}

async function secondFactorDemanded(
  connection: AccountDeps['connection'],
  policy: MfaPolicy,
  accountId: string,
): Promise<boolean> {
  return policy === 'required' || hasAnyFactor(await mfaStatus(connection, accountId));
}
