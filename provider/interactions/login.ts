import type { Context } from 'koa';

import { authenticate } from '../accounts/authenticate.ts';
import { sendVerification } from '../accounts/email-verification.ts';
import { notifyAddress } from '../mail/notify-account.ts';
import { noteSignInDevice } from './sign-in-device.ts';
import { InvalidRequest } from '../errors.ts';
import { ACR_PASSWORD, AMR_PASSWORD } from '../mfa/acr.ts';
import { throttleKeys } from '../security/login-throttle.ts';
import { renderScreen } from '../views/render-screen.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { formField } from '../forms/form-field.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { seeOther } from '../forms/see-other.ts';
import { sendToUpstream } from './upstream-start.ts';
import type { ActiveIdp } from '../upstream/idp-directory.ts';
import { seconds } from '../views/seconds.ts';

/** One message for unknown email, wrong password and disabled account: no account enumeration. */
export const WRONG_CREDENTIALS = 'Wrong email or password.';

/** What a self-registered user who has not confirmed the address yet is told. */
function unverifiedMessage(email: string, sent: boolean): string {
  return sent
    ? `Confirm your email first: we sent a link to ${email}. Open it, then sign in.`
    : `Confirm your email first: open the link we sent to ${email}, then sign in.`;
}

function tooManyAttempts(wait: number): string {
  return `Too many failed sign-in attempts. Try again in ${seconds(wait)}.`;
}

/** {domain: upstream name} as JSON for the page's home-realm script, or '' when no domain is routed. */
function routedDomains(upstreams: ActiveIdp[]): string {
  const routes = Object.fromEntries(upstreams.flatMap((idp) => idp.domains.map((domain) => [domain, idp.displayName])));
  return Object.keys(routes).length ? JSON.stringify(routes) : '';
}

interface LoginView {
  email?: string;
  error?: string;
}

export async function renderLogin(deps: InteractionDeps, ctx: Context, view: LoginView, status = 200): Promise<void> {
  const interaction = ctx.state.interaction!;
  const [client, upstreams] = await Promise.all([
    deps.live.provider.Client.find(String(interaction.params.client_id)),
    deps.upstreams.directory.enabled(),
  ]);
  const hint = typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : undefined;
  renderScreen(
    deps.views,
    ctx,
    'login.njk',
    {
      title: 'Sign in',
      uid: interaction.uid,
      csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
      clientName: client?.clientName ?? client?.clientId,
      email: view.email ?? hint ?? '',
      error: view.error,
      forgotPassword: deps.forgotPassword,
      signUp: deps.signUp,
      upstreams: upstreams.map((idp) => ({ id: idp._id, name: idp.displayName, icon: idp.hasIcon })),
      // Home-realm discovery in the page: typing such an email hides the password (login POST decides anyway).
      routedDomains: routedDomains(upstreams),
    },
    status,
  );
}

/** POST /interaction/:uid/login — checks the password and finishes the login prompt. */
export function login(deps: InteractionDeps) {
  return async function login(ctx: Context): Promise<void> {
    const interaction = ctx.state.interaction!;
    if (interaction.prompt.name !== 'login') throw new InvalidRequest('This sign-in step is already done.');

    const email = formField(ctx, 'email');
    // Home-realm discovery: this domain signs in only at its upstream; a password typed here is not even looked at.
    const routed = email ? await deps.upstreams.directory.forEmail(email) : undefined;
    if (routed) return sendToUpstream(deps, ctx, routed, email);
    const password = formField(ctx, 'password');
    if (!email || !password) {
      return renderLogin(deps, ctx, { email, error: 'Enter your email and password.' }, 400);
    }

    const keys = throttleKeys(email, ctx.ip);
    const who = { client: String(interaction.params.client_id), ip: ctx.ip, requestId: ctx.state.requestId };
    // The attempt is counted before the password is checked: a burst cannot outrun the limit.
    const reservation = await deps.throttle.reserve(keys);
    if (!reservation.ok) {
      await deps.audit.record({
        event: 'login.throttled',
        outcome: 'failure',
        ...who,
        details: { retryAfter: reservation.retryAfter },
      });
      return renderLogin(deps, ctx, { email, error: tooManyAttempts(Math.max(1, reservation.retryAfter)) }, 429);
    }

    const account = await authenticate(deps.connection, email, password, deps.passwordHashing);
    if (!account) {
      const { wait } = reservation;
      // After the answer: whether the address has an account must not change how long it takes.
      if (reservation.startsLock)
        deps.notify.mailer.inBackground(() => notifyAddress(deps.notify, email, 'account_locked'));
      await deps.audit.record({
        event: wait > 0 ? 'login.locked' : 'login.failure',
        outcome: 'failure',
        ...who,
        details: { retryAfter: wait },
      });
      return renderLogin(
        deps,
        ctx,
        { email, error: wait > 0 ? tooManyAttempts(wait) : WRONG_CREDENTIALS },
        wait > 0 ? 429 : 401,
      );
    }

    await deps.throttle.release(keys);
    const accountId = account.id;
    if (account.mustVerifyEmail) {
      // Self-registered and not confirmed yet: a (fresh) link instead of a session.
      const sent = await sendVerification(deps.notify, accountId);
      await deps.audit.record({ event: 'login.unverified', outcome: 'failure', account: accountId, ...who });
      return renderLogin(deps, ctx, { email, error: unverifiedMessage(email, sent) }, 403);
    }
    await deps.audit.record({ event: 'login.success', outcome: 'success', account: accountId, ...who });
    await noteSignInDevice(deps, ctx, accountId);
    const url = await deps.live.provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        // The mfa prompt that may follow replaces these with ACR_MFA / AMR_MFA.
        login: { accountId, amr: AMR_PASSWORD, acr: ACR_PASSWORD },
      },
      { mergeWithLastSubmission: false },
    );
    seeOther(ctx, url);
  };
}
