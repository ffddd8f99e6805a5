import type { Context } from 'koa';

import type { InteractionDeps } from './interaction-deps.ts';
import { seeOther } from '../forms/see-other.ts';

/** POST /interaction/:uid/abort — "Cancel": the client receives access_denied (RFC 6749 4.1.2.1). */
export function abort(deps: InteractionDeps) {
  return async function abort(ctx: Context): Promise<void> {
    const url = await deps.live.provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      },
      { mergeWithLastSubmission: false },
    );
    seeOther(ctx, url);
  };
}
