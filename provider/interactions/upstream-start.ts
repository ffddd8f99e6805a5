import type { Context } from 'koa';
import * as client from 'openid-client';

import { InvalidRequest } from '../errors.ts';
import { formField } from '../forms/form-field.ts';
import { seeOther } from '../forms/see-other.ts';
import type { ActiveIdp } from '../upstream/idp-directory.ts';
import { callbackUrl } from '../upstream/idp-settings.ts';
import { authorizationUrl } from '../upstream/upstream-answer.ts';
import { FLOW_COOKIE, FLOW_SECONDS, startFlow } from '../upstream/upstream-flows.ts';
import { renderUpstreamProblem } from '../views/upstream-problem-screen.ts';
import type { InteractionDeps } from './interaction-deps.ts';

/**
 * Sends the browser to an upstream: fresh state, nonce and PKCE verifier stored with this
 * interaction, bound to this browser by a cookie, and a 303 to the upstream's authorization
 * endpoint. An upstream that cannot be reached gets a page, not a hang (UPSTREAM_TIMEOUT_MS).
 */
export async function sendToUpstream(
  deps: InteractionDeps,
  ctx: Context,
  idp: ActiveIdp,
  loginHint?: string,
): Promise<void> {
  const uid = ctx.state.interaction!.uid;
  const flow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
  };
  let url: URL;
  try {
    url = await authorizationUrl(
      deps.upstreams.clients,
      idp,
      flow,
      callbackUrl(deps.upstreams.issuer, idp._id),
      loginHint,
    );
  } catch (err) {
    deps.logger.warn({ err, idp: idp._id }, 'upstream unavailable');
    await deps.audit.record({
      event: 'upstream.failure',
      outcome: 'failure',
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      details: { idp: idp._id, iss: idp.issuer, reason: 'unavailable' },
    });
    return renderUpstreamProblem(deps.views, ctx, 'unavailable', idp.displayName, uid);
  }
  const cookie = await startFlow(deps.connection, { uid, idp: idp._id, ...flow });
  ctx.cookies.set(FLOW_COOKIE, cookie, {
    signed: false,
    httpOnly: true,
    // Lax: the cookie must come along on the top-level redirect back from the upstream.
    sameSite: 'lax',
    maxAge: FLOW_SECONDS * 1000,
    overwrite: true,
  });
  seeOther(ctx, url.href);
}

/** POST /interaction/:uid/upstream/start — the "Continue with …" buttons. */
export function startUpstream(deps: InteractionDeps) {
  return async function startUpstream(ctx: Context): Promise<void> {
    if (ctx.state.interaction!.prompt.name !== 'login') throw new InvalidRequest('This sign-in step is already done.');
    const idp = await deps.upstreams.directory.find(formField(ctx, 'idp'));
    if (!idp) throw new InvalidRequest('That way of signing in is not available.');
    return sendToUpstream(deps, ctx, idp);
  };
}
