import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { InvalidRequest } from '../errors.ts';
import { ACR_MFA, codeAmr } from '../mfa/acr.ts';
import { activateEnrollment, pendingOrNewEnrollment } from '../mfa/enrollment.ts';
import { MFA_ENROLL_REASON } from '../oidc/interaction-policy.ts';
import { renderEnrollmentScreen } from '../views/enrollment-screen.ts';
import { renderScreen } from '../views/render-screen.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { formField } from '../forms/form-field.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { notifyAccount } from '../mail/notify-account.ts';
import { mfaAccount } from './mfa.ts';

/**
 * The account of an interaction whose mfa prompt is there to enroll a first factor. At the
 * verify prompt (the account has a factor) enrollment is refused: it would let the password
 * alone replace the factor and finish the sign-in.
 */
function enrollingAccount(ctx: Context): string {
  const accountId = mfaAccount(ctx);
  if (!ctx.state.interaction!.prompt.reasons.includes(MFA_ENROLL_REASON))
    throw new InvalidRequest('Enter the code from your app to continue.');
  return accountId;
}

/** Shows the pending secret (made on first view) as a QR code and as text. */
export async function renderEnroll(deps: InteractionDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  const accountId = enrollingAccount(ctx);
  const interaction = ctx.state.interaction!;
  const pending = await pendingOrNewEnrollment(deps.mfa, accountId, await accountLabel(deps.connection, accountId));
  const action = `/interaction/${interaction.uid}/mfa/enroll`;
  const client = await deps.live.provider.Client.find(String(interaction.params.client_id));
  const reason = `Your organisation requires two-step verification to sign in to ${client?.clientName ?? client?.clientId ?? 'this application'}. Set it up now, or cancel to go back.`;
  await renderEnrollmentScreen(
    deps.views,
    ctx,
    {
      pending,
      action,
      csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
      error,
      reason,
      cancel: { action: `/interaction/${interaction.uid}/abort` },
    },
    status,
  );
}

/**
 * POST /interaction/:uid/mfa/enroll — a valid code activates the factor; the recovery codes are
 * shown once, with a link that resumes the sign-in (its result is already stored).
 */
export function enrollMfa(deps: InteractionDeps) {
  return async function enrollMfa(ctx: Context): Promise<void> {
    const accountId = enrollingAccount(ctx);
    const activation = await activateEnrollment(deps.mfa, accountId, formField(ctx, 'code'));
    if (!activation.activated) {
      return renderEnroll(
        deps,
        ctx,
        'That code is not right. Check the time on your phone and enter the current code.',
        401,
      );
    }
    await deps.audit.record({
      event: 'mfa.enrolled',
      outcome: 'success',
      account: accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    await notifyAccount(deps.notify, accountId, 'mfa_added');
    const resume = await deps.live.provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        login: { accountId, amr: codeAmr(ctx.state.interaction!.session?.amr), acr: ACR_MFA },
      },
      { mergeWithLastSubmission: true },
    );
    renderScreen(deps.views, ctx, 'recovery-codes.njk', {
      title: 'Save your recovery codes',
      codes: activation.recoveryCodes,
      continueUrl: resume,
    });
  };
}
