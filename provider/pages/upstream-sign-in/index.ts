import Router from '@koa/router';

import { noStore } from '../../forms/no-store.ts';
import { type CallbackDeps, upstreamCallback } from './callback.ts';
import { upstreamIcon } from './icon.ts';
import { upstreamLoggedOut } from './upstream-logout.ts';
import type { LiveProvider } from '../../forms/csrf.ts';

/** The routes upstream identity providers and the sign-in page reach outside an interaction. */
export function upstreamRoutes(deps: CallbackDeps & { live: LiveProvider }): Router {
  const router = new Router({ prefix: '/upstream' });
  router.get('/:idp/callback', noStore, upstreamCallback(deps));
  router.get('/:idp/icon', upstreamIcon(deps.upstreams.directory));
  router.get('/logged-out', noStore, upstreamLoggedOut(deps));
  return router;
}
