import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { InvalidRequest } from '../errors.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { seeOther } from '../forms/see-other.ts';
import { federatedLogin } from '../upstream/federated-login.ts';
import type { ActiveIdp } from '../upstream/idp-directory.ts';
import { settleIdentity } from '../upstream/settle-identity.ts';
import { syncUpstreamGroups } from '../roles/manage-groups.ts';
import { awaitLinkProof, endFlow, FLOW_COOKIE, findFlow, type UpstreamFlowRecord } from '../upstream/upstream-flows.ts';
import { renderScreen } from '../views/render-screen.ts';
import { renderUpstreamProblem, type UpstreamProblem } from '../views/upstream-problem-screen.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { noteSignInDevice } from './sign-in-device.ts';

/** What every upstream audit record says about the identity: the upstream's own names for it. */
export function upstreamDetails(idp: Pick<ActiveIdp, '_id'>, flow: UpstreamFlowRecord, extra: object = {}) {
  return {
    idp: idp._id,
    iss: flow.identity?.iss,
    sub: flow.identity?.sub,
    ...(flow.identity?.amr ? { amr: flow.identity.amr } : {}),
    ...(flow.identity?.acr ? { acr: flow.identity.acr } : {}),
    ...extra,
  };
}

const flowCookie = (ctx: Context) => ctx.cookies.get(FLOW_COOKIE, { signed: false });

/** The browser's flow for this interaction at these stages, with its upstream, or a problem page. */
export async function loadFlow(
  deps: InteractionDeps,
  ctx: Context,
  stages: UpstreamFlowRecord['stage'][],
): Promise<{ flow: UpstreamFlowRecord; idp: ActiveIdp; cookie: string } | undefined> {
  const interaction = ctx.state.interaction!;
  if (interaction.prompt.name !== 'login') throw new InvalidRequest('This sign-in step is already done.');
  const cookie = flowCookie(ctx);
  const flow = await findFlow(deps.connection, cookie, interaction.uid, stages);
  if (!flow || !cookie) {
    renderUpstreamProblem(deps.views, ctx, 'expired', 'another provider', interaction.uid);
    return undefined;
  }
  const idp = await deps.upstreams.directory.find(flow.idp);
  if (!idp) {
    await endFlow(deps.connection, cookie, flow.stage);
    renderUpstreamProblem(deps.views, ctx, 'turned_off', flow.idp, interaction.uid);
    return undefined;
  }
  return { flow, idp, cookie };
}

/** The screen that asks for the local account's password or passkey before a link is made. */
export async function renderLinkScreen(
  deps: InteractionDeps,
  ctx: Context,
  idp: ActiveIdp,
  accountId: string,
  error?: string,
  status = 200,
): Promise<void> {
  const uid = ctx.state.interaction!.uid;
  renderScreen(
    deps.views,
    ctx,
    'upstream-link.njk',
    {
      title: `Link ${idp.displayName}`,
      uid,
      csrf: csrfToken(currentCsrfKey(deps.live), uid),
      idpName: idp.displayName,
      email: await accountLabel(deps.connection, accountId),
      error,
      forgotPassword: deps.forgotPassword,
    },
    status,
  );
}

/** Ends the flow (once) and finishes the login prompt as the account, with the federated acr/amr. */
export async function finishUpstreamLogin(
  deps: InteractionDeps,
  ctx: Context,
  { flow, idp, cookie }: { flow: UpstreamFlowRecord; idp: ActiveIdp; cookie: string },
  accountId: string,
  how: 'linked' | 'created' | 'link-proved',
  /** the acr and amr when the proof of a link was itself a second factor (a passkey) */
  methods = federatedLogin(idp, flow.identity ?? {}),
): Promise<void> {
  const interaction = ctx.state.interaction!;
  if (!(await endFlow(deps.connection, cookie, flow.stage)))
    return renderUpstreamProblem(deps.views, ctx, 'expired', idp.displayName, interaction.uid);
  ctx.cookies.set(FLOW_COOKIE, null, { signed: false });
  const who = { client: String(interaction.params.client_id), ip: ctx.ip, requestId: ctx.state.requestId };
  if (how !== 'linked')
    await deps.audit.record({
      event: 'upstream.link',
      outcome: 'success',
      account: accountId,
      ...who,
      details: upstreamDetails(idp, flow, { created: how === 'created' }),
    });
  await deps.audit.record({
    event: 'upstream.sign_in',
    outcome: 'success',
    account: accountId,
    ...who,
    details: upstreamDetails(idp, flow),
  });
  // Upstream groups mapped to local ones: memberships follow what the upstream says at each sign-in.
  if (idp.groupMap?.length)
    await syncUpstreamGroups(deps.connection, accountId, `idp:${idp._id}`, idp.groupMap, flow.identity?.groups ?? []);
  await noteSignInDevice(deps, ctx, accountId);
  const url = await deps.live.provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId, ...methods } },
    { mergeWithLastSubmission: false },
  );
  seeOther(ctx, url);
}

/** Ends the flow with a refusal: audited, and a page that says why. */
export async function refuseUpstream(
  deps: InteractionDeps,
  ctx: Context,
  { flow, idp, cookie }: { flow: UpstreamFlowRecord; idp: ActiveIdp; cookie: string },
  problem: UpstreamProblem,
  accountId?: string,
): Promise<void> {
  const interaction = ctx.state.interaction!;
  await endFlow(deps.connection, cookie, flow.stage);
  await deps.audit.record({
    event: 'upstream.failure',
    outcome: 'failure',
    ...(accountId ? { account: accountId } : {}),
    client: String(interaction.params.client_id),
    ip: ctx.ip,
    requestId: ctx.state.requestId,
    details: upstreamDetails(idp, flow, { reason: problem }),
  });
  renderUpstreamProblem(deps.views, ctx, problem, idp.displayName, interaction.uid);
}

/**
 * GET /interaction/:uid/upstream — back from the upstream with a checked identity: sign in as
 * its linked account, create one just in time, ask for proof of the account with the same
 * email, or say why not (upstream/choose-account.ts).
 */
export function finishUpstream(deps: InteractionDeps) {
  return async function finishUpstream(ctx: Context): Promise<void> {
    const loaded = await loadFlow(deps, ctx, ['verified', 'link']);
    if (!loaded) return;
    const { flow, idp, cookie } = loaded;
    if (flow.stage === 'link') return renderLinkScreen(deps, ctx, idp, flow.accountId!);
    // A domain routed to one upstream (home-realm discovery) is that upstream's alone: a GitHub
    // account with a company address must not get around the company's identity provider.
    const routed = flow.identity?.email ? await deps.upstreams.directory.forEmail(flow.identity.email) : undefined;
    if (routed && routed._id !== idp._id) return refuseUpstream(deps, ctx, loaded, 'other_upstream');
    const settled = await settleIdentity(deps.connection, idp, flow.identity!);
    switch (settled.kind) {
      case 'linked':
      case 'created':
        return finishUpstreamLogin(deps, ctx, loaded, settled.accountId, settled.kind);
      case 'prove':
        await awaitLinkProof(deps.connection, cookie, settled.accountId);
        return renderLinkScreen(deps, ctx, idp, settled.accountId);
      case 'refused':
        return refuseUpstream(deps, ctx, loaded, settled.reason);
    }
  };
}
