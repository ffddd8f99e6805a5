import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

import Koa from 'koa';

import type { Config, HttpConfig } from '../config.ts';
import { type HttpServer, httpServer } from '../http/http-server.ts';
import { metricsEndpoint } from '../http/request-metrics.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

export interface Listeners {
  /** where the public listener listens, e.g. http://127.0.0.1:3000 */
  url: string;
  publicListener: HttpServer;
  /** /metrics on METRICS_PORT, if set */
  metricsListener: MetricsListener | undefined;
}

/**
 * /metrics on a port of its own (METRICS_PORT), away from the public listener, with the same
 * timeouts and shutdown deadline (a scraper that stalls mid-request must not hold the process).
 */
async function listenForMetrics(
  metrics: Metrics,
  host: string,
  port: number,
  limits: HttpConfig,
): Promise<MetricsListener> {
  const app = new Koa();
  app.use(metricsEndpoint(metrics));
  const listener = httpServer(app.callback(), limits);
  listener.server.listen(port, host);
  await once(listener.server, 'listening');
  const address = listener.server.address() as AddressInfo;
  return { url: `http://${host}:${address.port}/metrics`, close: () => listener.close() };
}

/** The public listener on HOST:PORT, then the metrics listener; resolves once both listen. */
export async function startListeners(app: Koa, config: Config, logger: Logger, metrics: Metrics): Promise<Listeners> {
  const publicListener = httpServer(app.callback(), config.http);
  const server = publicListener.server.listen(config.port, config.host);
  await once(server, 'listening');
  // After the public listener: a METRICS_PORT of 0 must not be handed the public port.
  const metricsListener =
    config.metricsPort === undefined
      ? undefined
      : await listenForMetrics(metrics, config.metricsHost, config.metricsPort, config.http);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, issuer: config.issuer }, 'listening');
  return { url, publicListener, metricsListener };
}
