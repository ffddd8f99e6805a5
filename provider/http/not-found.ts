import type { Context, Next } from 'koa';

import { NotFound } from '../errors.ts';

/** Anything no route answered is a 404, rendered by the error handler like every other error. */
export async function notFound(ctx: Context, next: Next) {
  await next();
  if (ctx.status === 404 && ctx.body === undefined) throw new NotFound();
}
