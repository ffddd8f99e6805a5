import Koa from 'koa';

import type { AppInput } from './mounts/app-input.ts';
import { applyAppSettings } from './mounts/app-settings.ts';
import { mountAdminApi } from './mounts/admin-api.ts';
import { mountAdminConsole } from './mounts/admin-console.ts';
import { mountHealth } from './mounts/health.ts';
import { mountHomePage } from './mounts/home-page.ts';
import { mountInteractions } from './mounts/interactions.ts';
import type { Mount } from './mounts/mount.ts';
import { mountPages } from './mounts/pages.ts';
import { mountProtocol } from './mounts/protocol.ts';
import { mountRequestBasics } from './mounts/request-basics.ts';
import { mountSelfService } from './mounts/self-service.ts';
import { buildSharedDeps } from './mounts/shared-deps.ts';
import { mountUpstreamSignIn } from './mounts/upstream-sign-in.ts';
import { mountValidate } from './mounts/validate.ts';

export type { AppInput } from './mounts/app-input.ts';

/**
 * The one place that says in which order the route families run. The order is part of the
 * security: the error handler wraps everything after it, each family's rate limits, guards and
 * body parsing run before the next family is tried, and oidc-provider comes last.
 */
const MOUNTS: readonly Mount[] = [
  mountRequestBasics,
  mountHomePage,
  mountHealth,
  mountAdminApi,
  mountValidate,
  mountUpstreamSignIn,
  mountInteractions,
  mountSelfService,
  mountAdminConsole,
  mountPages,
  mountProtocol,
];

/** Composes the Koa app: our middleware and screens first, oidc-provider's protocol routes last. */
export function createApp(input: AppInput): Koa {
  const app = new Koa();
  applyAppSettings(app, input);
  const shared = buildSharedDeps(input);
  for (const mount of MOUNTS) mount(app, input, shared);
  return app;
}
