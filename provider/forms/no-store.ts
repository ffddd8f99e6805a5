import type { Context, Next } from 'koa';

import { setScreenHeaders } from '../views/screen-headers.ts';

/** Every interaction response, redirects included, gets the screen headers (never cached). */
export async function noStore(ctx: Context, next: Next) {
  setScreenHeaders(ctx);
  return next();
}
