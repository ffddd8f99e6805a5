import type { Context, Next } from 'koa';
import type { Provider } from 'oidc-provider';

import { currentSession } from './current-session.ts';

/** Account pages need a signed-in browser; anyone else is sent to sign in first. */
export function requireSession(provider: () => Provider) {
  return async function requireSession(ctx: Context, next: Next) {
    const session = await currentSession(provider(), ctx);
    if (!session) {
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

/** The CSRF subject of account forms: bound to the session, so another browser's token fails. */
export function accountCsrfSubject(ctx: Context): string | undefined {
  return ctx.state.accountSession ? `account:${ctx.state.accountSession.id}` : undefined;
}
