import type { Context, Next } from 'koa';
import { errors } from 'oidc-provider';

import type { LiveProvider } from '../forms/csrf.ts';

/**
 * Loads the interaction bound to this browser's interaction cookie, and insists that it is the
 * one named in the URL: an expired, unknown or someone else's interaction is SessionNotFound.
 */
export function loadInteraction(live: Pick<LiveProvider, 'provider'>) {
  return async function loadInteraction(ctx: Context & { params: { uid?: string } }, next: Next) {
    const interaction = await live.provider.interactionDetails(ctx.req, ctx.res);
    if (interaction.uid !== ctx.params.uid) throw new errors.SessionNotFound('interaction mismatch');
    ctx.state.interaction = interaction;
    return next();
  };
}
