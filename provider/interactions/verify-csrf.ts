import type { Context, Next } from 'koa';

import { InvalidCsrfToken } from '../errors.ts';
import { csrfMatches } from './csrf.ts';

export function verifyCsrf(secret: string) {
  return async function verifyCsrf(ctx: Context & { params: { uid?: string } }, next: Next) {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    if (!csrfMatches(secret, ctx.params.uid ?? '', body?.csrf)) throw new InvalidCsrfToken();
    return next();
  };
}
