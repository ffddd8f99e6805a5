import type { Context } from 'koa';

import { requestEmailChange } from '../accounts/change-email.ts';
import { sendVerification } from '../accounts/email-verification.ts';
import { formField } from '../forms/form-field.ts';
import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';

/** POST /account/email — a link to the new address; the change happens when it is opened. */
export function changeEmail(deps: AccountDeps) {
  return async function changeEmail(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const result = await requestEmailChange(deps.notify, accountId, formField(ctx, 'new_email').slice(0, 320));
    await deps.audit.record({
      event: 'account.email_change_requested',
      outcome: result.ok ? 'success' : 'failure',
      account: accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
      details: result.ok ? undefined : { reason: result.reason },
    });
    if (!result.ok) {
      const errors = {
        email: 'Enter a valid email address.',
        same: 'That is already your address.',
        limited: 'Too many address changes: try again in an hour.',
      };
      return renderAccount(deps, ctx, { error: errors[result.reason] }, result.reason === 'limited' ? 429 : 400);
    }
    return renderAccount(deps, ctx, {
      message: `We sent a link to ${result.email}. Your address changes when you open it.`,
    });
  };
}

/** POST /account/email/confirm — mails a link that confirms the current address. */
export function sendConfirmationLink(deps: AccountDeps) {
  return async function sendConfirmationLink(ctx: Context): Promise<void> {
    const sent = await sendVerification(deps.notify, ctx.state.accountSession!.accountId);
    if (!sent)
      return renderAccount(
        deps,
        ctx,
        { error: 'No link sent: the address is confirmed, or links were sent recently.' },
        429,
      );
    return renderAccount(deps, ctx, { message: 'We sent you a link: open it to confirm your address.' });
  };
}
