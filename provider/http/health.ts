import type { Context, Next } from 'koa';
import type { Connection } from 'mongoose';

/** GET /healthz: 200 while the database connection is up, 503 otherwise (for load balancers). */
export function health(connection: Connection) {
  return async function health(ctx: Context, next: Next) {
    if (ctx.path !== '/healthz' || ctx.method !== 'GET') return next();
    const up = connection.readyState === 1;
    ctx.status = up ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: up ? 'ok' : 'database unavailable' };
  };
}
