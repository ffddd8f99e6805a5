import type { Context, Next } from 'koa';

import type { Logger } from '../observability/logger.ts';

/** One line per request. The path only: query strings can carry codes and tokens. */
export function accessLog(logger: Logger) {
  return async function accessLog(ctx: Context, next: Next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    }
  };
}
