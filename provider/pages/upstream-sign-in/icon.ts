import type { Context } from 'koa';

import type { IdpDirectory } from '../../upstream/idp-directory.ts';
import { NotFound } from '../../errors.ts';

/**
 * GET /upstream/:idp/icon — the button's icon, from this origin (the sign-in page loads nothing
 * from third parties). An SVG is a document that could carry script if opened on its own: the
 * sandboxing CSP and nosniff keep it a picture.
 */
export function upstreamIcon(directory: IdpDirectory) {
  return async function upstreamIcon(ctx: Context): Promise<void> {
    const icon = await directory.icon(String(ctx.params.idp));
    if (!icon?.data) throw new NotFound();
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = icon.contentType;
    const data = icon.data as Buffer | { buffer: Uint8Array };
    ctx.body = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
  };
}
