import type { Context } from 'koa';

import { signUp } from '../../accounts/sign-up.ts';
import { formField } from '../../forms/form-field.ts';
import { renderScreen } from '../../views/render-screen.ts';
import type { SignUpScreenDeps } from './sign-up-deps.ts';

function render(deps: SignUpScreenDeps, ctx: Context, view: Record<string, unknown>, status = 200): void {
  renderScreen(
    deps.views,
    ctx,
    'sign-up.njk',
    {
      title: 'Create an account',
      minLength: deps.passwordMinLength,
      domains: deps.signup.mode === 'domains' ? deps.signup.domains : [],
      email: '',
      name: '',
      ...view,
    },
    status,
  );
}

/** GET /signup — the form. */
export function showSignUp(deps: SignUpScreenDeps) {
  return function showSignUp(ctx: Context): void {
    render(deps, ctx, {});
  };
}

/**
 * POST /signup — "check your inbox" for a new account and a taken address alike. A filled-in
 * honeypot field gets the same answer and nothing else. No CSRF token: a forged post could only
 * do what its author can do directly.
 */
export function submitSignUp(deps: SignUpScreenDeps) {
  return async function submitSignUp(ctx: Context): Promise<void> {
    const email = formField(ctx, 'email').trim().slice(0, 320);
    const name = formField(ctx, 'name');
    const who = { ip: ctx.ip, requestId: ctx.state.requestId };
    if (formField(ctx, 'website') !== '') {
      await deps.audit.record({ ...who, event: 'signup.bot', outcome: 'failure' });
      return render(deps, ctx, { done: true, email });
    }
    const result = await signUp(deps, { email, name, password: formField(ctx, 'new_password') }, ctx.ip);
    if (result.ok) {
      await deps.audit.record({ ...who, event: 'signup.requested', outcome: 'success', account: result.accountId });
      return render(deps, ctx, { done: true, email });
    }
    await deps.audit.record({
      ...who,
      event: 'signup.refused',
      outcome: 'failure',
      details: { reason: result.reason },
    });
    const errors = {
      limited: 'Too many new accounts from your network. Try again in an hour.',
      email: 'Enter a valid email address.',
      domain: `Sign-up is open only to addresses at ${deps.signup.domains.join(', ')}.`,
      name: `Name refused: it ${result.problem}.`,
      policy: `Password refused: ${result.problem}`,
    };
    render(deps, ctx, { email, name, error: errors[result.reason] }, result.reason === 'limited' ? 429 : 400);
  };
}
