import type { Context } from 'koa';

/** Answers a form post with 303 so the browser follows with GET (never 307, which re-posts). */
export function seeOther(ctx: Context, url: string): void {
  ctx.status = 303;
  ctx.redirect(url);
}
