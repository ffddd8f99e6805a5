import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';

import { UnsupportedMediaType } from '../errors.ts';

/**
 * A parser for url-encoded forms of at most `limit` bytes. A body of another type is refused
 * with 415: parsed as nothing, it would reach the CSRF check and read as an expired form.
 */
export function formParser(limit: string) {
  const parseBody = bodyParser({ enableTypes: ['form'], formLimit: limit, encoding: 'utf-8' });
  return async function parseForm(ctx: Context, next: Next): Promise<void> {
    // null: no body at all (a button without fields); false: a body of another type
    if (ctx.is('application/x-www-form-urlencoded') === false) throw new UnsupportedMediaType();
    await parseBody(ctx, next);
  };
}

/** Screens post small url-encoded forms only; anything larger or of another type is refused. */
export const parseForm = formParser('16kb');
