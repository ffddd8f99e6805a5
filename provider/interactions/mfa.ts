import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { ACR_MFA, codeAmr } from '../mfa/acr.ts';
import { verifySecondFactor, type SecondFactorResult } from '../mfa/verify-second-factor.ts';
import { mfaStatus } from '../mfa/mfa-status.ts';
import { MFA_PROMPT, PASSKEY_REASON } from '../oidc/interaction-policy.ts';
import { renderScreen } from '../views/render-screen.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { formField } from '../forms/form-field.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { seeOther } from '../forms/see-other.ts';
import { seconds } from '../views/seconds.ts';

function failureMessage(result: Exclude<SecondFactorResult, { ok: true }>): string {
  if (result.reason === 'locked' || result.reason === 'throttled')
    return `Too many wrong codes. Try again in ${seconds(result.retryAfter)}.`;
  if (result.reason === 'unreadable')
    return 'Codes from your authenticator app cannot be checked right now. Try again later, or use a recovery code.';
  return 'That code is not right. Enter the current code from your app, or a recovery code.';
}

/**
 * The second step: the account's passkey first when it has one, its authenticator app's code
 * otherwise (or as well). When the client or acr_values asked for a phishing-resistant sign-in,
 * only a passkey is offered; an account without one is told how to add one.
 */
export async function renderMfa(deps: InteractionDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  const interaction = ctx.state.interaction!;
  const accountId = mfaAccount(ctx);
  const passkeyRequired = interaction.prompt.reasons.includes(PASSKEY_REASON);
  const [factors, client] = await Promise.all([
    mfaStatus(deps.connection, accountId),
    deps.live.provider.Client.find(String(interaction.params.client_id)),
  ]);
  renderScreen(
    deps.views,
    ctx,
    'mfa.njk',
    {
      title: passkeyRequired ? 'Sign in with a passkey' : 'Two-step verification',
      uid: interaction.uid,
      csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
      clientName: client?.clientName ?? client?.clientId,
      passkeyRequired,
      hasPasskeys: factors.passkeys > 0,
      offerCode: factors.enrolled && !passkeyRequired,
      error,
    },
    status,
  );
}

/** The signed-in account of an interaction at the mfa prompt. */
export function mfaAccount(ctx: Context): string {
  const interaction = ctx.state.interaction!;
  const accountId = interaction.session?.accountId;
  if (interaction.prompt.name !== MFA_PROMPT || !accountId)
    throw new InvalidRequest('This sign-in step is already done.');
  return accountId;
}

/** POST /interaction/:uid/mfa — a TOTP code or a recovery code completes the second factor. */
export function verifyMfa(deps: InteractionDeps) {
  return async function verifyMfa(ctx: Context): Promise<void> {
    const accountId = mfaAccount(ctx);
    // A code is two factors, not a phishing-resistant one: when a passkey is asked for, only it will do.
    if (ctx.state.interaction!.prompt.reasons.includes(PASSKEY_REASON))
      throw new InvalidRequest('This sign-in needs a passkey.');
    const result = await verifySecondFactor(deps.mfa, accountId, formField(ctx, 'code'));
    const who = {
      requestId: ctx.state.requestId,
      account: accountId,
      client: String(ctx.state.interaction!.params.client_id),
      ip: ctx.ip,
    };
    if (!result.ok) {
      // An operator's fault (this instance lacks the MFA key the factor was sealed with), not the user's.
      if (result.reason === 'unreadable')
        deps.logger.error(
          { requestId: who.requestId, account: accountId },
          'stored TOTP secret cannot be opened: is MFA_ENCRYPTION_KEY the key it was sealed with?',
        );
      const event =
        result.reason === 'throttled' ? 'mfa.throttled' : result.reason === 'locked' ? 'mfa.locked' : 'mfa.failure';
      await deps.audit.record({ ...who, event, outcome: 'failure' });
      return renderMfa(
        deps,
        ctx,
        failureMessage(result),
        result.reason === 'wrong' || result.reason === 'not_enrolled'
          ? 401
          : result.reason === 'unreadable'
            ? 503
            : 429,
      );
    }
    await deps.audit.record({ ...who, event: 'mfa.success', outcome: 'success', details: { method: result.method } });
    // A login result again: the session's amr/acr become MFA and auth_time moves to now.
    const url = await deps.live.provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        login: { accountId, amr: codeAmr(ctx.state.interaction!.session?.amr), acr: ACR_MFA },
      },
      { mergeWithLastSubmission: true },
    );
    seeOther(ctx, url);
  };
}
