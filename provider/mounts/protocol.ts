import type Koa from 'koa';

import { deviceCodeThrottle } from '../http/device-code-throttle.ts';
import { protocolBodyLimit } from '../http/protocol-body-limit.ts';
import { protocolFormCharset } from '../http/protocol-form-charset.ts';
import { authorizationServerMetadata } from '../oidc/authorization-server-metadata.ts';
import { throughUpstreamLogout } from '../pages/upstream-sign-in/upstream-logout.ts';
import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** oidc-provider at /, last, behind the few middlewares that guard or extend its endpoints. */
export function mountProtocol(
  app: Koa,
  { connection, views, holder, logger }: AppInput,
  { upstreams }: SharedDeps,
): void {
  app.use(authorizationServerMetadata);
  app.use(deviceCodeThrottle(connection, views));
  app.use(throughUpstreamLogout({ live: holder, connection, upstreams, logger, views }));
  app.use(protocolBodyLimit);
  app.use(protocolFormCharset);
  app.use(holder.middleware());
}
