import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { ACR_MFA, codeAmr } from '../mfa/acr.ts';
import { enrollTotp } from '../mfa/enroll-totp.ts';
import { pendingOrNewEnrollment } from '../mfa/enrollment.ts';
import { mayEnrollFactor } from '../mfa/first-factor-rule.ts';
import { renderEnrollmentScreen } from '../views/enrollment-screen.ts';
import { renderScreen } from '../views/render-screen.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { formField } from '../forms/form-field.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { enrollingAccount, enrollmentReason } from './enrolling-account.ts';
import { proofSubject, renderEmailProof } from './mfa-email-proof.ts';

/**
 * Shows the pending secret (made on first view) as a QR code and as text; before it, when the
 * first factor needs the email proven and this sign-in has not, the mailed-code step.
 */
export async function renderEnroll(deps: InteractionDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  const accountId = enrollingAccount(ctx);
  const interaction = ctx.state.interaction!;
  if (!(await mayEnrollFactor(deps, accountId, proofSubject(interaction.uid))))
    return renderEmailProof(deps, ctx, accountId);
  const pending = await pendingOrNewEnrollment(deps.mfa, accountId, await accountLabel(deps.connection, accountId));
  await renderEnrollmentScreen(
    deps.views,
    ctx,
    {
      pending,
      action: `/interaction/${interaction.uid}/mfa/enroll`,
      csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
      error,
      reason: await enrollmentReason(deps, ctx),
      cancel: { action: `/interaction/${interaction.uid}/abort` },
    },
    status,
  );
}

/**
 * POST /interaction/:uid/mfa/enroll — a valid code activates the factor; the recovery codes are
 * shown once, with a link that resumes the sign-in (its result is already stored). Without the
 * email proof the factor needs, nothing is activated, whatever the code.
 */
export function enrollMfa(deps: InteractionDeps) {
  return async function enrollMfa(ctx: Context): Promise<void> {
    const accountId = enrollingAccount(ctx);
    if (!(await mayEnrollFactor(deps, accountId, proofSubject(ctx.state.interaction!.uid)))) {
      return renderEmailProof(
        deps,
        ctx,
        accountId,
        { error: 'Confirm your email with the code we sent before setting up the app.' },
        403,
      );
    }
    const activation = await enrollTotp(deps, accountId, formField(ctx, 'code'), {
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    if (!activation.activated) {
      return renderEnroll(
        deps,
        ctx,
        'That code is not right. Check the time on your phone and enter the current code.',
        401,
      );
    }
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
