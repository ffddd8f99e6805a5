import type { Context, Next } from 'koa';
import type { Connection } from 'mongoose';

/**
 * GET /healthz: the process is alive (for restarts). GET /readyz: the database answers a ping
 * (for load balancers: 503 takes the instance out of rotation until it recovers, and from the
 * moment it starts shutting down).
 */
export function health(connection: Connection, timeoutMs: number, draining: () => boolean = () => false) {
  async function databaseAnswers(): Promise<boolean> {
    if (connection.readyState !== 1 || !connection.db) return false;
    try {
      await Promise.race([
        connection.db.command({ ping: 1 }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), timeoutMs).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  return async function health(ctx: Context, next: Next) {
    if (ctx.method !== 'GET' || (ctx.path !== '/healthz' && ctx.path !== '/readyz')) return next();
    ctx.set('Cache-Control', 'no-store');
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    // Shutting down: out of rotation at once, whatever the database says.
    if (draining()) {
      ctx.status = 503;
      ctx.body = { status: 'shutting down' };
      return;
    }
    const ready = await databaseAnswers();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'database unavailable' };
  };
}
