import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { isActiveAccount } from '../accounts/account-active.ts';
import { InvalidRequest } from '../errors.ts';
import { credentialField } from '../forms/credential-field.ts';
import { seeOther } from '../forms/see-other.ts';
import { ACR_PHISHING_RESISTANT, firstFactorOf } from '../mfa/acr.ts';
import { MFA_PROMPT } from '../oidc/interaction-policy.ts';
import { authenticationOptions, type PasskeyCheck, verifyPasskey } from '../passkeys/authentication.ts';
import { passwordlessAmr, secondFactorAmr } from '../passkeys/passkey-methods.ts';
import { type ThrottleKeys, throttleKeys } from '../security/login-throttle.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { renderLogin } from './login.ts';
import { renderMfa } from './mfa.ts';
import { noteSignInDevice } from './sign-in-device.ts';
import { seconds } from '../views/seconds.ts';

/** Which ceremony this interaction is at: a passwordless sign-in, or the second step of one. */
function stepOf(ctx: Context): { purpose: 'sign-in' } | { purpose: 'second-factor'; accountId: string } {
  const interaction = ctx.state.interaction!;
  if (interaction.prompt.name === 'login') return { purpose: 'sign-in' };
  const accountId = interaction.session?.accountId;
  if (interaction.prompt.name === MFA_PROMPT && accountId) return { purpose: 'second-factor', accountId };
  throw new InvalidRequest('This sign-in step is already done.');
}

const subjectOf = (ctx: Context) => `interaction:${ctx.state.interaction!.uid}`;

/** POST /interaction/:uid/passkey/options — WebAuthn options for this step, as JSON. */
export function passkeyOptions(deps: InteractionDeps) {
  return async function passkeyOptions(ctx: Context): Promise<void> {
    const step = stepOf(ctx);
    ctx.body = await authenticationOptions(
      { connection: deps.connection, webauthn: deps.webauthn },
      { ...step, subject: subjectOf(ctx) },
    );
  };
}

function failureMessage(check: Exclude<PasskeyCheck, { ok: true }>): string {
  if (check.reason === 'throttled') return `Too many failed attempts. Try again in ${seconds(check.retryAfter ?? 1)}.`;
  if (check.reason === 'challenge') return 'That passkey request expired. Try again.';
  return 'That passkey could not be used to sign in here.';
}

/**
 * POST /interaction/:uid/passkey — the browser's answer. At the login prompt a passkey with user
 * verification signs in alone (two factors: the key and the PIN or biometric that unlocked it);
 * at the mfa prompt it is the second factor after the password. Either way the session's acr is
 * the phishing-resistant one. Attempts count toward the account's sign-in throttle.
 */
export function verifyPasskeyStep(deps: InteractionDeps) {
  return async function verifyPasskeyStep(ctx: Context): Promise<void> {
    const step = stepOf(ctx);
    const interaction = ctx.state.interaction!;
    const who = { client: String(interaction.params.client_id), ip: ctx.ip, requestId: ctx.state.requestId };
    // The throttle counts by the account's email: read once, for the reservation and the release.
    let email: Promise<string> | undefined;
    const emailOf = (accountId: string) => (email ??= accountLabel(deps.connection, accountId));
    const keysOf = async (accountId: string): Promise<ThrottleKeys> => throttleKeys(await emailOf(accountId), ctx.ip);
    const response = credentialField<AuthenticationResponseJSON>(ctx);
    const check: PasskeyCheck = response
      ? await verifyPasskey(
          { connection: deps.connection, webauthn: deps.webauthn },
          {
            purpose: step.purpose,
            subject: subjectOf(ctx),
            response,
            accountId: step.purpose === 'second-factor' ? step.accountId : undefined,
            reserve: async (accountId) => deps.throttle.reserve(await keysOf(accountId)),
          },
        )
      : { ok: false, reason: 'invalid' };
    // A domain routed to an upstream (home-realm discovery) signs in there only: a local passkey
    // must not outlive the upstream's offboarding. As a second factor it is still welcome.
    const active =
      check.ok &&
      (await isActiveAccount(deps.connection, check.accountId)) &&
      !(step.purpose === 'sign-in' && (await deps.upstreams.directory.forEmail(await emailOf(check.accountId))));
    if (!check.ok || !active) {
      const failed: Exclude<PasskeyCheck, { ok: true }> = check.ok
        ? { ok: false, reason: 'unknown', accountId: check.accountId }
        : check;
      await deps.audit.record({
        ...who,
        event: failed.reason === 'throttled' ? 'passkey.throttled' : 'passkey.failure',
        outcome: 'failure',
        account: failed.accountId,
        details: { step: step.purpose, reason: failed.reason },
      });
      const status = failed.reason === 'throttled' ? 429 : 401;
      if (step.purpose === 'sign-in') return renderLogin(deps, ctx, { error: failureMessage(failed) }, status);
      return renderMfa(deps, ctx, failureMessage(failed), status);
    }

    await deps.throttle.release(await keysOf(check.accountId));
    await deps.audit.record({
      ...who,
      event: step.purpose === 'sign-in' ? 'passkey.sign_in' : 'passkey.second_factor',
      outcome: 'success',
      account: check.accountId,
      details: { passkey: check.passkey._id },
    });
    if (step.purpose === 'sign-in') await noteSignInDevice(deps, ctx, check.accountId);
    const amr =
      step.purpose === 'sign-in'
        ? passwordlessAmr(check.passkey.deviceType)
        : secondFactorAmr(check.passkey.deviceType, firstFactorOf(interaction.session?.amr));
    const url = await deps.live.provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: check.accountId, amr, acr: ACR_PHISHING_RESISTANT } },
      { mergeWithLastSubmission: step.purpose === 'second-factor' },
    );
    seeOther(ctx, url);
  };
}
