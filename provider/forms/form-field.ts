import type { Context } from 'koa';

/** A posted form field as a string ('' when missing or repeated). */
export function formField(ctx: Context, name: string): string {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
