import { createHash, timingSafeEqual } from 'node:crypto';

import type { Context, Next } from 'koa';

import type { Metrics } from '../observability/metrics.ts';

/** The route a request matched: oidc-provider's route name, our router's pattern, or "other". */
export function routeOf(ctx: Context): string {
  const oidcRoute = (ctx as Context & { oidc?: { route?: string } }).oidc?.route;
  if (oidcRoute) return oidcRoute;
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === 'string') return matched;
  return ['/healthz', '/readyz', '/metrics', '/assets/style.css'].includes(ctx.path) ? ctx.path : 'other';
}

export function requestMetrics(metrics: Metrics) {
  return async function requestMetrics(ctx: Context, next: Next) {
    const stop = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = routeOf(ctx);
      metrics.httpRequests.inc({ route, method: ctx.method, status: String(ctx.status) });
      metrics.httpDuration.observe({ route, method: ctx.method }, Number(process.hrtime.bigint() - stop) / 1e9);
    }
  };
}

function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * GET /metrics in the Prometheus text format. With `token` (METRICS_TOKEN, on the public port)
 * only a scraper presenting it as a bearer token is answered; the separate METRICS_PORT
 * listener needs none (it binds 127.0.0.1 by default).
 */
export function metricsEndpoint(metrics: Metrics, token?: string) {
  return async function metricsEndpoint(ctx: Context, next: Next) {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next();
    if (token !== undefined && !tokenMatches(/^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1] ?? '', token)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: 'invalid_token', error_description: 'a metrics bearer token is required' };
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
