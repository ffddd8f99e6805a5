import type { Context, Next } from 'koa';
import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import type { LiveProvider } from '../../forms/csrf.ts';
import { reachesLibraryPath } from '../../oidc/library-path.ts';
import type { Logger } from '../../observability/logger.ts';
import { currentSession } from '../../sessions/current-session.ts';
import type { UpstreamDeps } from '../../upstream/upstream-deps.ts';
import { takeLogoutReturn, upstreamLogoutUrl } from '../../upstream/upstream-logout.ts';
import { renderScreen } from '../../views/render-screen.ts';

interface LogoutDeps {
  live: LiveProvider;
  connection: Connection;
  upstreams: UpstreamDeps;
  logger: Logger;
  views: nunjucks.Environment;
}

/**
 * Around oidc-provider's logout confirmation (POST /session/end/confirm): when a session that
 * came through an upstream was ended, the browser goes through that upstream's end-session
 * endpoint before it reaches where oidc-provider was sending it (upstream/upstream-logout.ts).
 * A failure there never keeps the user from being signed out here: the redirect stays as it was.
 */
export function throughUpstreamLogout(deps: LogoutDeps) {
  return async function throughUpstreamLogout(ctx: Context, next: Next) {
    if (ctx.method !== 'POST' || !reachesLibraryPath(ctx.path, '/session/end/confirm')) return next();
    const session = await currentSession(deps.live.provider, ctx).catch(() => undefined);
    await next();
    const returnTo = ctx.response.get('location');
    if (!session?.amr.includes('fed') || ctx.status < 300 || ctx.status >= 400 || !returnTo) return;
    // "No, stay signed in" also redirects: only a session that is gone was logged out.
    if (await deps.live.provider.Session.find(session.id)) return;
    try {
      const target = await upstreamLogoutUrl(
        { ...deps.upstreams, connection: deps.connection },
        session.accountId,
        returnTo,
      );
      if (target) ctx.redirect(target);
    } catch (err) {
      deps.logger.warn({ err }, 'upstream logout skipped');
    }
  };
}

/** GET /upstream/logged-out — back from the upstream's logout: on to where the logout was going. */
export function upstreamLoggedOut(deps: LogoutDeps) {
  return async function upstreamLoggedOut(ctx: Context): Promise<void> {
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const returnTo = await takeLogoutReturn(deps.connection, state);
    if (returnTo) {
      ctx.status = 303;
      return ctx.redirect(returnTo);
    }
    renderScreen(deps.views, ctx, 'logged-out.njk', { title: 'Signed out' });
  };
}
