import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';

export interface AccountSession {
  /** the session's id: CSRF tokens of the account forms are bound to it */
  id: string;
  accountId: string;
}

/**
 * The single sign-on session of this browser, if it is signed in: the account pages share
 * oidc-provider's session (its signed cookie, its stored Session) instead of keeping their own.
 */
export async function currentSession(provider: Provider, ctx: Context): Promise<AccountSession | undefined> {
  const id = ctx.cookies.get(provider.cookieName('session'), { signed: true });
  if (!id) return undefined;
  const session = await provider.Session.find(id);
  if (!session?.accountId) return undefined;
  return { id, accountId: session.accountId };
}
