import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { isActiveAccount } from '../accounts/account-active.ts';
import { authenticate } from '../accounts/authenticate.ts';
import { credentialField } from '../forms/credential-field.ts';
import { formField } from '../forms/form-field.ts';
import { authenticationOptions, verifyPasskey } from '../passkeys/authentication.ts';
import { secondFactorAmr } from '../passkeys/passkey-methods.ts';
import { ACR_PHISHING_RESISTANT } from '../mfa/acr.ts';
import { throttleKeys } from '../security/login-throttle.ts';
import type { ActiveIdp } from '../upstream/idp-directory.ts';
import { linkProvedAccount } from '../upstream/settle-identity.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { WRONG_CREDENTIALS } from './login.ts';
import type { UpstreamFlowRecord } from '../upstream/upstream-flows.ts';
import { finishUpstreamLogin, loadFlow, refuseUpstream, renderLinkScreen, upstreamDetails } from './upstream-finish.ts';
import { seconds } from '../views/seconds.ts';

type Loaded = { flow: UpstreamFlowRecord; idp: ActiveIdp; cookie: string };

const subjectOf = (ctx: Context) => `upstream-link:${ctx.state.interaction!.uid}`;

/** Links the identity to the proved account and signs in; a link made meanwhile by another tab is refused. */
async function linkAndFinish(
  deps: InteractionDeps,
  ctx: Context,
  loaded: Loaded,
  method: string,
  methods?: { amr: string[]; acr: string },
): Promise<void> {
  const accountId = loaded.flow.accountId!;
  if (!(await linkProvedAccount(deps.connection, loaded.idp, loaded.flow.identity!, accountId)))
    return refuseUpstream(deps, ctx, loaded, 'expired', accountId);
  await deps.audit.record({
    event: 'upstream.link_proof',
    outcome: 'success',
    account: accountId,
    ip: ctx.ip,
    requestId: ctx.state.requestId,
    details: upstreamDetails(loaded.idp, loaded.flow, { method }),
  });
  return finishUpstreamLogin(deps, ctx, loaded, accountId, 'link-proved', methods);
}

async function failedProof(
  deps: InteractionDeps,
  ctx: Context,
  loaded: Loaded,
  method: string,
  retryAfter: number,
): Promise<void> {
  await deps.audit.record({
    event: 'upstream.link_proof',
    outcome: 'failure',
    account: loaded.flow.accountId,
    ip: ctx.ip,
    requestId: ctx.state.requestId,
    details: upstreamDetails(loaded.idp, loaded.flow, { method }),
  });
  const message =
    retryAfter > 0
      ? `Too many failed attempts. Try again in ${seconds(retryAfter)}.`
      : method === 'password'
        ? WRONG_CREDENTIALS
        : 'That passkey could not be used here.';
  return renderLinkScreen(deps, ctx, loaded.idp, loaded.flow.accountId!, message, retryAfter > 0 ? 429 : 401);
}

/**
 * POST /interaction/:uid/upstream/link — the local account's password, once, before the
 * upstream identity is linked to it. Counted in the account's sign-in throttle like any guess.
 */
export function linkWithPassword(deps: InteractionDeps) {
  return async function linkWithPassword(ctx: Context): Promise<void> {
    const loaded = await loadFlow(deps, ctx, ['link']);
    if (!loaded) return;
    const email = await accountLabel(deps.connection, loaded.flow.accountId!);
    const keys = throttleKeys(email, ctx.ip);
    const reservation = await deps.throttle.reserve(keys);
    if (!reservation.ok) return failedProof(deps, ctx, loaded, 'password', Math.max(1, reservation.retryAfter));
    const account = await authenticate(deps.connection, email, formField(ctx, 'password'), deps.passwordHashing);
    if (account?.id !== loaded.flow.accountId) return failedProof(deps, ctx, loaded, 'password', reservation.wait);
    await deps.throttle.release(keys);
    return linkAndFinish(deps, ctx, loaded, 'password');
  };
}

/** POST /interaction/:uid/upstream/link/passkey/options — options naming the account's own passkeys. */
export function linkPasskeyOptions(deps: InteractionDeps) {
  return async function linkPasskeyOptions(ctx: Context): Promise<void> {
    const loaded = await loadFlow(deps, ctx, ['link']);
    if (!loaded) return;
    ctx.body = await authenticationOptions(
      { connection: deps.connection, webauthn: deps.webauthn },
      { purpose: 'confirm', subject: subjectOf(ctx), accountId: loaded.flow.accountId },
    );
  };
}

/** POST /interaction/:uid/upstream/link/passkey — one of the account's passkeys as the proof. */
export function linkWithPasskey(deps: InteractionDeps) {
  return async function linkWithPasskey(ctx: Context): Promise<void> {
    const loaded = await loadFlow(deps, ctx, ['link']);
    if (!loaded) return;
    const accountId = loaded.flow.accountId!;
    const keys = throttleKeys(await accountLabel(deps.connection, accountId), ctx.ip);
    const response = credentialField<AuthenticationResponseJSON>(ctx);
    const check = response
      ? await verifyPasskey(
          { connection: deps.connection, webauthn: deps.webauthn },
          {
            purpose: 'confirm',
            subject: subjectOf(ctx),
            response,
            accountId,
            reserve: () => deps.throttle.reserve(keys),
          },
        )
      : ({ ok: false, reason: 'invalid' } as const);
    if (!check.ok || !(await isActiveAccount(deps.connection, accountId)))
      return failedProof(
        deps,
        ctx,
        loaded,
        'passkey',
        !check.ok && check.reason === 'throttled' ? (check.retryAfter ?? 1) : 0,
      );
    await deps.throttle.release(keys);
    // The passkey was the second factor as well: the mfa prompt need not ask for it again.
    return linkAndFinish(deps, ctx, loaded, 'passkey', {
      amr: secondFactorAmr(check.passkey.deviceType, 'fed'),
      acr: ACR_PHISHING_RESISTANT,
    });
  };
}
