import type { Context } from 'koa';

/**
 * Headers for every HTML screen: scripts only from our own files, none inline, no framing (clickjacking on the login
 * form), no referrer (interaction URLs and codes must not leak), never cached.
 * `form-action` is left out on purpose: browsers apply it to the redirect chain after a
 * form post, which ends at the client's redirect_uri on another origin.
 */
const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  // the passkey script fetches its WebAuthn options from this origin
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setScreenHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'no-store');
}
