import type { Context, Next } from 'koa';

import { adminApiIndicator, ADMIN_ROLE, VIEWER_ROLE } from '../admin-api-resource.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { HttpError } from '../../errors.ts';
import { hasSecondFactor } from '../../passkeys/passkey-methods.ts';
import { rolesAt } from '../../roles/access-rules.ts';
import { userPrincipal } from '../../roles/access-directory.ts';
import { currentSession } from '../../sessions/current-session.ts';
import { isRecent } from '../../self-service/require-recent-sign-in.ts';
import { renderScreen } from '../../views/render-screen.ts';
import type { ConsoleDeps } from './console-deps.ts';

export interface ConsoleUser {
  accountId: string;
  sessionId: string;
  role: typeof ADMIN_ROLE | typeof VIEWER_ROLE;
  loginTs: number;
}

/** The CSRF subject of console forms: the session, so another browser's token fails. */
export const consoleCsrfSubject = (ctx: Context) =>
  ctx.state.consoleUser ? `console:${(ctx.state.consoleUser as ConsoleUser).sessionId}` : undefined;

/**
 * Who may enter: a signed-in session that used a second factor (or a passkey) in this sign-in,
 * of an account holding the admin API's admin or viewer role. Anyone else signs in (again, with
 * the second factor) or is told they are not an administrator.
 */
export function requireConsoleUser(deps: ConsoleDeps) {
  const indicator = adminApiIndicator(deps.issuer);
  return async function requireConsoleUser(ctx: Context, next: Next): Promise<void> {
    const session = await currentSession(deps.live.provider, ctx);
    if (!session || !hasSecondFactor(session.amr)) {
      if (ctx.method !== 'GET')
        throw new HttpError(401, 'login_required', 'Your console session has ended: sign in again.');
      return ctx.redirect('/admin/login');
    }
    // Read afresh, not from the token-path cache: a revoked administrator is out at once.
    const roles = rolesAt(await deps.access.fresh(userPrincipal(session.accountId)), indicator);
    const role = roles.includes(ADMIN_ROLE) ? ADMIN_ROLE : roles.includes(VIEWER_ROLE) ? VIEWER_ROLE : undefined;
    if (!role) {
      await deps.audit.record({
        event: 'console.refused',
        outcome: 'failure',
        account: session.accountId,
        ip: ctx.ip,
        requestId: ctx.state.requestId,
      });
      return renderScreen(
        deps.views,
        ctx,
        'error.njk',
        {
          title: 'Not an administrator',
          message: 'This account may not use the admin console.',
          error: 'access_denied',
        },
        403,
      );
    }
    ctx.state.consoleUser = {
      accountId: session.accountId,
      sessionId: session.id,
      role,
      loginTs: session.loginTs,
    } satisfies ConsoleUser;
    return next();
  };
}

/** Changes need the admin role; a viewer reads only. */
export async function requireAdminRole(ctx: Context, next: Next): Promise<void> {
  if ((ctx.state.consoleUser as ConsoleUser).role !== ADMIN_ROLE)
    throw new HttpError(403, 'access_denied', 'Viewers can look, not change: ask an administrator.');
  return next();
}

/** Destructive actions need a recent sign-in (ACCOUNT_REAUTH_SECONDS), like the account page's. */
export function requireRecentConsoleSignIn(deps: ConsoleDeps) {
  return async function requireRecentConsoleSignIn(ctx: Context, next: Next): Promise<void> {
    if (isRecent((ctx.state.consoleUser as ConsoleUser).loginTs, deps.reauthSeconds)) return next();
    ctx.status = 303;
    return ctx.redirect('/admin/reauthenticate');
  };
}

/** The services' dependencies for this console user's actions: they are audited as theirs. */
export function consoleAdminDeps(deps: ConsoleDeps, ctx: Context): AdminDeps {
  const user = ctx.state.consoleUser as ConsoleUser;
  return {
    connection: deps.connection,
    audit: deps.audit,
    provider: () => deps.live.provider,
    keys: deps.keys,
    issuer: deps.issuer,
    actor: {
      via: 'console',
      sub: user.accountId,
      client: 'meshid-admin-console',
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    },
  };
}
