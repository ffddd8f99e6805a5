import type { Context } from 'koa';
import type nunjucks from 'nunjucks';

import { setScreenHeaders } from './screen-headers.ts';

/** Renders one `views/*.njk` template with plain data as the response of a screen. */
export function renderScreen(
  views: nunjucks.Environment,
  ctx: Context,
  template: string,
  data: Record<string, unknown>,
  status = 200,
): void {
  setScreenHeaders(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = views.render(template, data);
}
