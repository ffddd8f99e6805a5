import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { formField } from '../forms/form-field.ts';
import { checkEmailProofCode, sendEmailProofCode, type SendResult } from '../mfa/enrollment-email-proof.ts';
import { CHECK_WORDS, renderEmailProofScreen } from '../views/email-proof-screen.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { enrollingAccount, enrollmentReason } from './enrolling-account.ts';

/** The mailed code of a sign-in is good for that sign-in only. */
export const proofSubject = (uid: string) => `interaction:${uid}`;

/**
 * The step before the forced enrollment of a first factor that needs the email proven
 * (mfa/first-factor-rule.ts): a code is mailed on the first view (not again on a reload).
 */
export async function renderEmailProof(
  deps: InteractionDeps,
  ctx: Context,
  accountId: string,
  shown: { send?: SendResult; error?: string } = {},
  status = 200,
): Promise<void> {
  const interaction = ctx.state.interaction!;
  const send = shown.send ?? (await sendEmailProofCode(deps, accountId, proofSubject(interaction.uid)));
  const base = `/interaction/${interaction.uid}/mfa/email`;
  renderEmailProofScreen(
    deps.views,
    ctx,
    {
      email: await accountLabel(deps.connection, accountId),
      action: base,
      resendAction: `${base}/send`,
      csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
      // A first send is what the screen says anyway; only a refusal needs words.
      send: shown.send ?? (send === 'sent' ? 'already_sent' : send),
      error: shown.error,
      reason: await enrollmentReason(deps, ctx),
      cancel: { action: `/interaction/${interaction.uid}/abort` },
    },
    status,
  );
}

/** POST /interaction/:uid/mfa/email/send — a new code (bounded per hour). */
export function resendEnrollmentCode(deps: InteractionDeps) {
  return async function resendEnrollmentCode(ctx: Context): Promise<void> {
    const accountId = enrollingAccount(ctx);
    const send = await sendEmailProofCode(deps, accountId, proofSubject(ctx.state.interaction!.uid), { resend: true });
    return renderEmailProof(deps, ctx, accountId, { send }, send === 'throttled' ? 429 : 200);
  };
}

/** POST /interaction/:uid/mfa/email — the mailed code; the right one opens the TOTP enrollment. */
export function confirmEnrollmentEmail(deps: InteractionDeps) {
  return async function confirmEnrollmentEmail(ctx: Context): Promise<void> {
    const accountId = enrollingAccount(ctx);
    const uid = ctx.state.interaction!.uid;
    const result = await checkEmailProofCode(deps, accountId, proofSubject(uid), formField(ctx, 'code'), {
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    if (result !== 'proven') {
      return renderEmailProof(
        deps,
        ctx,
        accountId,
        { send: 'already_sent', error: CHECK_WORDS[result] },
        result === 'too_many' ? 429 : 401,
      );
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${uid}`);
  };
}
