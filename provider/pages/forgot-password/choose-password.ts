import type { Context } from 'koa';

import { accountLabel } from '../../accounts/account-label.ts';
import { completePasswordReset, passwordLink } from '../../accounts/password-reset.ts';
import { formField } from '../../forms/form-field.ts';
import { renderScreen } from '../../views/render-screen.ts';
import type { ForgotPasswordDeps } from './forgot-password-deps.ts';

function render(deps: ForgotPasswordDeps, ctx: Context, view: Record<string, unknown>, status = 200): void {
  renderScreen(
    deps.views,
    ctx,
    'reset-password.njk',
    { title: 'Choose a new password', minLength: deps.passwordMinLength, ...view },
    status,
  );
}

/** GET /password/reset?token=… — the form, if the link still works; opening it does not use it up. */
export function showResetForm(deps: ForgotPasswordDeps) {
  return async function showResetForm(ctx: Context): Promise<void> {
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
    const link = await passwordLink(deps, token);
    if (!link) return render(deps, ctx, { invalid: true }, 410);
    render(deps, ctx, {
      token,
      email: await accountLabel(deps.connection, link.accountId),
      invite: link.purpose === 'invite',
    });
  };
}

/** POST /password/reset — the new password; the link is used up only when it is accepted. */
export function chooseNewPassword(deps: ForgotPasswordDeps) {
  return async function chooseNewPassword(ctx: Context): Promise<void> {
    const token = formField(ctx, 'token');
    const result = await completePasswordReset(deps, token, formField(ctx, 'new_password'));
    const who = { ip: ctx.ip, requestId: ctx.state.requestId };
    if (!result.ok && result.reason === 'invalid') {
      await deps.audit.record({ ...who, event: 'password.reset_refused', outcome: 'failure' });
      return render(deps, ctx, { invalid: true }, 410);
    }
    if (!result.ok) {
      const link = await passwordLink(deps, token);
      const email = link ? await accountLabel(deps.connection, link.accountId) : '';
      return render(
        deps,
        ctx,
        { token, email, invite: link?.purpose === 'invite', error: `New password refused: ${result.problem}` },
        400,
      );
    }
    await deps.audit.record({
      ...who,
      event: result.purpose === 'invite' ? 'account.invitation_accepted' : 'password.reset',
      outcome: 'success',
      account: result.accountId,
    });
    render(deps, ctx, { done: true, invite: result.purpose === 'invite' });
  };
}
