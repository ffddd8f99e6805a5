import type { Context, Next } from 'koa';
import type nunjucks from 'nunjucks';

import { renderScreen } from '../views/render-screen.ts';

/** GET / — a small page that says what this is and where to go, rather than a 404. */
export function homePage(views: nunjucks.Environment, name: string) {
  return async function homePage(ctx: Context, next: Next) {
    if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    renderScreen(views, ctx, 'home.njk', { title: name, name });
  };
}
