import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';

import { ACR_MFA, codeAmr } from '../mfa/acr.ts';

export interface AccountSession {
  /** the session's id: CSRF tokens of the account forms are bound to it */
  id: string;
  accountId: string;
  /** RFC 8176 methods of the session's last authentication (`pwd`, `otp`, `mfa`) */
  amr: string[];
  /** when the session last authenticated, seconds since the epoch */
  loginTs: number;
}

/**
 * The single sign-on session of this browser, if it is signed in: the account pages share
 * oidc-provider's session (its signed cookie, its stored Session) instead of keeping their own.
 * Note that oidc-provider records the password step in the session before a second factor is
 * asked: whether the session is good enough is require-session.ts's question, not this one's.
 */
export async function currentSession(provider: Provider, ctx: Context): Promise<AccountSession | undefined> {
  const id = ctx.cookies.get(provider.cookieName('session'), { signed: true });
  if (!id) return undefined;
  const session = await provider.Session.find(id);
  if (!session?.accountId) return undefined;
  return { id, accountId: session.accountId, amr: session.amr ?? [], loginTs: session.loginTs ?? 0 };
}

/**
 * Records in the session that its second factor was just proven (a code accepted while enrolling
 * on the account page), as the sign-in screens' mfa step does through the interaction result.
 */
export async function recordSecondFactor(provider: Provider, sessionId: string): Promise<void> {
  const session = await provider.Session.find(sessionId);
  if (!session?.exp) return;
  session.amr = codeAmr(session.amr);
  session.acr = ACR_MFA;
  await session.save(Math.max(1, session.exp - Math.floor(Date.now() / 1000)));
}
