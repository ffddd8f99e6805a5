import type Koa from 'koa';

import { accessLog } from '../http/access-log.ts';
import { errorHandler } from '../http/error-handler.ts';
import { issuerHost } from '../http/issuer-host.ts';
import { notFound } from '../http/not-found.ts';
import { requestId } from '../http/request-id.ts';
import { requestMetrics } from '../http/request-metrics.ts';
import { secureCookies } from '../http/secure-cookies.ts';
import { staticAssets } from '../http/static-assets.ts';
import type { AppInput } from './app-input.ts';

/** What every request passes first: issuer host, request id, metrics, access log, errors, 404, static files. */
export function mountRequestBasics(app: Koa, { config, metrics, logger, views, outage }: AppInput): void {
  app.use(issuerHost(config.issuer));
  app.use(requestId({ trustIncoming: config.proxyHops > 0 }));
  app.use(requestMetrics(metrics));
  if (config.issuer.startsWith('https:')) app.use(secureCookies);
  app.use(accessLog(logger));
  app.use(errorHandler(views, logger, outage));
  app.use(notFound);
  app.use(staticAssets());
}
