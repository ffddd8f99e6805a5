import type { Context, Next } from 'koa';

import { ContentTooLarge } from '../errors.ts';

/** oidc-provider reads at most 56 KiB of a body (lib/shared/selective_body.js). */
const PROTOCOL_BODY_LIMIT = 56 * 1024;

/**
 * A protocol request announcing a body the library would refuse gets 413 (with the RFC 6749
 * `invalid_request`) before the library answers it with a plain 400. A chunked body gives no
 * length up front: the library still refuses it past its limit, with 400.
 */
export async function protocolBodyLimit(ctx: Context, next: Next): Promise<void> {
  if ((ctx.request.length ?? 0) > PROTOCOL_BODY_LIMIT) throw new ContentTooLarge();
  await next();
}
