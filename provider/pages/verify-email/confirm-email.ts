import type { Context } from 'koa';

import { confirmEmail, verificationLink } from '../../accounts/email-verification.ts';
import { formField } from '../../forms/form-field.ts';
import { renderScreen } from '../../views/render-screen.ts';
import type { VerifyEmailDeps } from './verify-email-deps.ts';

function render(deps: VerifyEmailDeps, ctx: Context, view: Record<string, unknown>, status = 200): void {
  renderScreen(deps.views, ctx, 'verify-email.njk', { title: 'Confirm your email', ...view }, status);
}

/**
 * GET /email/verify?token=… — a button, not the confirmation itself: mail scanners open links,
 * and a GET must not change anything.
 */
export function showConfirmEmail(deps: VerifyEmailDeps) {
  return async function showConfirmEmail(ctx: Context): Promise<void> {
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
    const link = await verificationLink(deps, token);
    if (!link) return render(deps, ctx, { invalid: true }, 410);
    render(deps, ctx, { token, email: link.email });
  };
}

/** POST /email/verify — confirms the address the link was mailed to (once). */
export function confirmEmailAddress(deps: VerifyEmailDeps) {
  return async function confirmEmailAddress(ctx: Context): Promise<void> {
    const token = formField(ctx, 'token');
    const link = await verificationLink(deps, token);
    const accountId = link ? await confirmEmail(deps, token) : undefined;
    const who = { ip: ctx.ip, requestId: ctx.state.requestId };
    if (!link || !accountId) {
      await deps.audit.record({ ...who, event: 'email.verify_refused', outcome: 'failure' });
      return render(deps, ctx, { invalid: true }, 410);
    }
    await deps.audit.record({ ...who, event: 'email.verified', outcome: 'success', account: accountId });
    render(deps, ctx, { done: true, email: link.email });
  };
}
