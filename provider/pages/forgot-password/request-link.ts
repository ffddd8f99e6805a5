import type { Context } from 'koa';

import { requestPasswordReset } from '../../accounts/password-reset.ts';
import { formField } from '../../forms/form-field.ts';
import { renderScreen } from '../../views/render-screen.ts';
import type { ForgotPasswordDeps } from './forgot-password-deps.ts';

function render(deps: ForgotPasswordDeps, ctx: Context, view: Record<string, unknown>, status = 200): void {
  renderScreen(
    deps.views,
    ctx,
    'forgot-password.njk',
    { title: 'Forgot your password?', minutes: Math.round(deps.resetSeconds / 60), ...view },
    status,
  );
}

/** GET /password/forgot — the form. */
export function showForgotPassword(deps: ForgotPasswordDeps) {
  return function showForgotPassword(ctx: Context): void {
    render(deps, ctx, { email: typeof ctx.query.email === 'string' ? ctx.query.email.slice(0, 320) : '' });
  };
}

/**
 * POST /password/forgot — the same answer whether or not the account exists (the mail goes out
 * after it). No CSRF token: a forged post can only send a link to the account's own address,
 * which anyone may ask for, and the link is useless without that mailbox.
 */
export function requestResetLink(deps: ForgotPasswordDeps) {
  return async function requestResetLink(ctx: Context): Promise<void> {
    const email = formField(ctx, 'email').trim();
    if (!email.includes('@') || email.length > 320) {
      return render(deps, ctx, { email: email.slice(0, 320), error: 'Enter the email address you sign in with.' }, 400);
    }
    const result = await requestPasswordReset(deps, email, ctx.ip);
    await deps.audit.record({
      event: result.limited ? 'password.reset_limited' : 'password.reset_requested',
      outcome: result.limited ? 'failure' : 'success',
      account: result.limited ? undefined : result.accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    if (result.limited) {
      return render(deps, ctx, { email, error: 'Too many requests for a new password. Try again in an hour.' }, 429);
    }
    render(deps, ctx, { email, sent: true });
  };
}
