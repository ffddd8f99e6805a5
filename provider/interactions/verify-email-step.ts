import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { isEmailVerified, sendVerification } from '../accounts/email-verification.ts';
import { InvalidRequest } from '../errors.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { seeOther } from '../forms/see-other.ts';
import { VERIFY_EMAIL_PROMPT } from '../oidc/interaction-policy.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { InteractionDeps } from './interaction-deps.ts';

function stepAccount(ctx: Context): string {
  const interaction = ctx.state.interaction!;
  const accountId = interaction.session?.accountId;
  if (interaction.prompt.name !== VERIFY_EMAIL_PROMPT || !accountId)
    throw new InvalidRequest('This sign-in step is already done.');
  return accountId;
}

/** The screen of a client that requires a confirmed address, for an account without one. */
export async function renderVerifyEmailStep(
  deps: InteractionDeps,
  ctx: Context,
  notice: { message?: string; error?: string } = {},
  status = 200,
): Promise<void> {
  const interaction = ctx.state.interaction!;
  const [email, client] = await Promise.all([
    accountLabel(deps.connection, stepAccount(ctx)),
    deps.live.provider.Client.find(String(interaction.params.client_id)),
  ]);
  renderScreen(
    deps.views,
    ctx,
    'verify-email-step.njk',
    {
      title: 'Confirm your email',
      uid: interaction.uid,
      csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
      clientName: client?.clientName ?? client?.clientId,
      email,
      ...notice,
    },
    status,
  );
}

/** POST /interaction/:uid/email/send — mails a confirmation link (a few an hour at most). */
export function sendVerificationLink(deps: InteractionDeps) {
  return async function sendVerificationLink(ctx: Context): Promise<void> {
    const sent = await sendVerification(deps.notify, stepAccount(ctx));
    if (!sent)
      return renderVerifyEmailStep(
        deps,
        ctx,
        { error: 'A link was sent several times already: use the newest one, or try again in an hour.' },
        429,
      );
    return renderVerifyEmailStep(deps, ctx, { message: 'Sent. Open the link in the mail, then continue here.' });
  };
}

/** POST /interaction/:uid/email/continue — back to the provider, which checks the address again. */
export function continueAfterVerification(deps: InteractionDeps) {
  return async function continueAfterVerification(ctx: Context): Promise<void> {
    const accountId = stepAccount(ctx);
    if (!(await isEmailVerified(deps.connection, accountId)))
      return renderVerifyEmailStep(deps, ctx, { error: 'Not confirmed yet: open the link in the mail first.' }, 409);
    const url = await deps.live.provider.interactionResult(ctx.req, ctx.res, {}, { mergeWithLastSubmission: true });
    seeOther(ctx, url);
  };
}
