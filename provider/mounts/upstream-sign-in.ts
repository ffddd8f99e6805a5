import type Koa from 'koa';

import { underPrefix } from '../http/under-prefix.ts';
import { upstreamRoutes } from '../pages/upstream-sign-in/index.ts';
import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** /upstream…: where upstream identity providers send users back, button icons, logged out */
export function mountUpstreamSignIn(
  app: Koa,
  { connection, views, audit, logger, holder }: AppInput,
  { upstreams }: SharedDeps,
): void {
  const upstreamPages = upstreamRoutes({ upstreams, connection, views, audit, logger, live: holder });
  app.use(underPrefix('/upstream', upstreamPages));
}
