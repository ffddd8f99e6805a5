import { randomUUID } from 'node:crypto';

import type { Context, Next } from 'koa';

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * A request id on every request and response (`X-Request-Id`) and on every log line.
 * An incoming id is kept only from a trusted proxy, and only if it is a plain token.
 */
export function requestId({ trustIncoming }: { trustIncoming: boolean }) {
  return async function requestId(ctx: Context, next: Next) {
    const incoming = ctx.get('X-Request-Id');
    ctx.state.requestId = trustIncoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    return next();
  };
}
