import type Koa from 'koa';

import { health } from '../http/health.ts';
import { metricsEndpoint } from '../http/request-metrics.ts';
import type { AppInput } from './app-input.ts';

/** /healthz, /readyz, and /metrics on the public port when METRICS_TOKEN is set. */
export function mountHealth(app: Koa, { connection, config, draining, metrics }: AppInput): void {
  app.use(health(connection, config.databaseTimeoutMs, draining));
  // Internals are nobody's business on the public port, unless a scraper brings the token.
  if (config.metricsToken !== undefined) app.use(metricsEndpoint(metrics, config.metricsToken));
}
