import type { Context, Next } from 'koa';

/**
 * With an https issuer every browser talks https to us, even if TLS ends at a proxy in front:
 * tell Koa the connection counts as secure so it sets `Secure` cookies instead of refusing to.
 */
export async function secureCookies(ctx: Context, next: Next) {
  (ctx.cookies as unknown as { secure: boolean }).secure = true;
  return next();
}
