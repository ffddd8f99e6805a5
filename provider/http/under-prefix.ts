import type Router from '@koa/router';
import type { Context, Next } from 'koa';

/**
 * A router's routes and its 405/501 answers, run only for paths under its prefix. Without this
 * every request (a token request too) walks every router's route table: a cost paid on the
 * hottest paths for pages they never reach.
 */
export function underPrefix(prefix: string, router: Router) {
  const routes = router.routes() as unknown as (ctx: Context, next: Next) => Promise<void>;
  const methods = router.allowedMethods() as unknown as (ctx: Context, next: Next) => Promise<void>;
  return function underPrefix(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
    return routes(ctx, () => methods(ctx, next));
  };
}
