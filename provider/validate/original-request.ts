import type { Context } from 'koa';

/**
 * The request a gateway asks /validate about: its method and URL, from the headers the gateway
 * forwards (Traefik ForwardAuth: X-Forwarded-Method/-Proto/-Host/-Uri; nginx auth_request as in
 * docs/gateways.md: X-Original-Method and X-Original-URL), or /validate's own request when a
 * client calls it directly. A DPoP proof must have been made for exactly this method and URL.
 */
export function originalRequest(ctx: Context): { method: string; url: string } {
  const method = (ctx.get('x-original-method') || ctx.get('x-forwarded-method') || ctx.method).toUpperCase();
  const original = ctx.get('x-original-url');
  if (original && URL.canParse(original)) return { method, url: original };
  const uri = ctx.get('x-forwarded-uri');
  // http/issuer-host.ts takes X-Forwarded-Host out of the headers (it must not name the issuer) and keeps it here.
  const host = typeof ctx.state.forwardedHost === 'string' ? ctx.state.forwardedHost : ctx.get('x-forwarded-host');
  if (uri && host) {
    const proto = ctx.get('x-forwarded-proto') || 'https';
    const url = URL.parse(`${proto}://${host}${uri.startsWith('/') ? uri : `/${uri}`}`);
    if (url) return { method, url: url.href };
  }
  return { method, url: ctx.href };
}
