import type { Context } from 'koa';
import type nunjucks from 'nunjucks';

import { seeOther } from '../../forms/see-other.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AuditLog } from '../../security/audit-log.ts';
import { callbackUrl } from '../../upstream/idp-settings.ts';
import { redeemCallback, UpstreamAnswerRefused, UpstreamDeclined } from '../../upstream/upstream-answer.ts';
import type { UpstreamDeps } from '../../upstream/upstream-deps.ts';
import { endFlow, FLOW_COOKIE, markVerified, takeStartedFlow } from '../../upstream/upstream-flows.ts';
import { renderUpstreamProblem, type UpstreamProblem } from '../../views/upstream-problem-screen.ts';
import type { Connection } from 'mongoose';

export interface CallbackDeps {
  upstreams: UpstreamDeps;
  connection: Connection;
  views: nunjucks.Environment;
  audit: AuditLog;
  logger: Logger;
}

/** An error's message and those of its causes (openid-client wraps a failed request in a generic one). */
const causes = (err: unknown): string => {
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 4; e = e.cause) messages.push(e.message);
  return messages.join(': ');
};

const problemOf = (err: unknown): UpstreamProblem =>
  err instanceof UpstreamDeclined ? 'declined' : err instanceof UpstreamAnswerRefused ? 'refused' : 'unavailable';

/**
 * GET /upstream/:idp/callback — where an upstream sends the browser back. The flow must be this
 * browser's (its cookie), started for this upstream and not used before; openid-client checks
 * the answer (upstream/upstream-answer.ts). The checked identity waits in the flow, and the
 * browser goes back to its interaction, whose cookie the sign-in screens need.
 */
export function upstreamCallback(deps: CallbackDeps) {
  return async function upstreamCallback(ctx: Context): Promise<void> {
    const id = String(ctx.params.idp);
    const idp = await deps.upstreams.directory.find(id);
    const cookie = ctx.cookies.get(FLOW_COOKIE, { signed: false });
    const flow = idp ? await takeStartedFlow(deps.connection, cookie, idp._id) : undefined;
    const who = { ip: ctx.ip, requestId: ctx.state.requestId };
    if (!idp || !flow || !cookie) {
      await deps.audit.record({
        event: 'upstream.failure',
        outcome: 'failure',
        ...who,
        details: { idp: id.slice(0, 40), reason: 'expired' },
      });
      return renderUpstreamProblem(
        deps.views,
        ctx,
        idp ? 'expired' : 'turned_off',
        idp?.displayName ?? 'that provider',
      );
    }
    const current = new URL(callbackUrl(deps.upstreams.issuer, idp._id));
    current.search = ctx.querystring;
    try {
      const identity = await redeemCallback(deps.upstreams.clients, idp, flow, current);
      await markVerified(deps.connection, cookie, identity);
    } catch (err) {
      const problem = problemOf(err);
      await endFlow(deps.connection, cookie, 'exchanging');
      const detail = causes(err).slice(0, 300);
      deps.logger.warn({ idp: idp._id, problem, reason: detail }, 'upstream sign-in failed');
      await deps.audit.record({
        event: 'upstream.failure',
        outcome: 'failure',
        ...who,
        details: { idp: idp._id, iss: idp.issuer, reason: problem, detail },
      });
      return renderUpstreamProblem(deps.views, ctx, problem, idp.displayName, flow.uid);
    }
    seeOther(ctx, `/interaction/${flow.uid}/upstream`);
  };
}
