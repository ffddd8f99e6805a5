import Koa from 'koa';
import mount from 'koa-mount';
import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';
import type { Provider } from 'oidc-provider';

import type { Config } from './config.ts';
import { accessLog } from './http/access-log.ts';
import { errorHandler } from './http/error-handler.ts';
import { health } from './http/health.ts';
import { secureCookies } from './http/secure-cookies.ts';
import { notFound } from './http/not-found.ts';
import { requestId } from './http/request-id.ts';
import { staticAssets } from './http/static-assets.ts';
import { accountRoutes } from './account/index.ts';
import { interactionRoutes } from './interactions/index.ts';
import type { MfaDeps } from './mfa/mfa-deps.ts';
import type { Logger } from './observability/logger.ts';
import type { AuditLog } from './security/audit-log.ts';
import type { LoginThrottle } from './security/login-throttle.ts';

export interface AppInput {
  config: Config;
  provider: Provider;
  connection: Connection;
  views: nunjucks.Environment;
  logger: Logger;
  /** cookie signing keys, newest first */
  cookieKeys: string[];
  mfa: MfaDeps;
  audit: AuditLog;
  throttle: LoginThrottle;
}

/** Composes the Koa app: our middleware and screens first, oidc-provider's protocol routes last. */
export function createApp({ config, provider, connection, views, logger, cookieKeys, mfa, audit, throttle }: AppInput): Koa {
  const app = new Koa();
  // oidc-provider, mounted, sets its cookies through this app's context: sign them with the
  // same keys it verifies them with.
  app.keys = cookieKeys;
  // X-Forwarded-* are believed only when the operator says a proxy sets them.
  app.proxy = config.trustProxy;
  app.on('error', (err) => logger.error({ err }, 'koa error outside a request handler'));

  const screenDeps = { provider, connection, views, logger, csrfSecret: cookieKeys[0]!, mfa, audit, throttle };
  const interactions = interactionRoutes(screenDeps);
  const account = accountRoutes({ ...screenDeps, issuer: config.issuer });

  app.use(requestId({ trustIncoming: config.trustProxy }));
  if (config.issuer.startsWith('https:')) app.use(secureCookies);
  app.use(accessLog(logger));
  app.use(errorHandler(views, logger));
  app.use(notFound);
  app.use(staticAssets());
  app.use(health(connection, config.databaseTimeoutMs));
  app.use(interactions.routes());
  app.use(interactions.allowedMethods());
  app.use(account.routes());
  app.use(account.allowedMethods());
  app.use(mount(provider));
  return app;
}
