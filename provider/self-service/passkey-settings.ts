import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { credentialField } from '../forms/credential-field.ts';
import { formField } from '../forms/form-field.ts';
import { HttpError } from '../errors.ts';
import { mayEnrollFactor } from '../mfa/first-factor-rule.ts';
import { verifySecondFactor } from '../mfa/verify-second-factor.ts';
import { spendEmailProof } from '../mfa/enrollment-email-proof.ts';
import { accountProofSubject } from './account-email-proof.ts';
import { authenticationOptions, verifyPasskey } from '../passkeys/authentication.ts';
import { removePasskey } from '../passkeys/manage-passkeys.ts';
import type { PasskeyDeps } from '../passkeys/passkey-deps.ts';
import { type RegistrationResult, registerPasskey, registrationOptions } from '../passkeys/registration.ts';
import { throttleKeys } from '../security/login-throttle.ts';
import type { AccountDeps } from './account-deps.ts';
import { renderAccount } from './show-account.ts';
import { notifyAccount } from '../mail/notify-account.ts';

const passkeyDeps = (deps: AccountDeps): PasskeyDeps => ({ connection: deps.connection, webauthn: deps.webauthn });
/** Account-page challenges are bound to the session that asked for them. */
const subjectOf = (ctx: Context) => `session:${ctx.state.accountSession!.id}`;

/**
 * A passkey that would be the account's first factor needs the email proven first, like an
 * app (mfa/first-factor-rule.ts): the mailed code is asked by "Set up two-step verification",
 * and counts for passkeys in the same session.
 */
async function requireEmailProofForFirstFactor(deps: AccountDeps, ctx: Context): Promise<void> {
  if (await mayEnrollFactor(deps, ctx.state.accountSession!.accountId, accountProofSubject(ctx))) return;
  throw new HttpError(
    403,
    'email_proof_required',
    'Confirm your email first: choose "Set up two-step verification" and enter the code we send you, then add the passkey.',
  );
}

/** POST /account/passkeys/options — options to make a new passkey, as JSON. */
export function passkeyRegistrationOptions(deps: AccountDeps) {
  return async function passkeyRegistrationOptions(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    await requireEmailProofForFirstFactor(deps, ctx);
    ctx.body = await registrationOptions(passkeyDeps(deps), {
      accountId,
      email: await accountLabel(deps.connection, accountId),
      subject: subjectOf(ctx),
    });
  };
}

const REGISTRATION_PROBLEMS = {
  challenge: 'That request expired. Try again.',
  invalid: 'The passkey could not be added. Try again.',
  model: 'Your organisation accepts passkeys only from approved security keys; this one is not one of them.',
  duplicate: 'That passkey is already on an account.',
};

/** POST /account/passkeys — the browser's new passkey, checked and stored under the name the user gave. */
export function addPasskey(deps: AccountDeps) {
  return async function addPasskey(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    await requireEmailProofForFirstFactor(deps, ctx);
    const who = { account: accountId, ip: ctx.ip, requestId: ctx.state.requestId };
    const response = credentialField<RegistrationResponseJSON>(ctx);
    const result: RegistrationResult = response
      ? await registerPasskey(passkeyDeps(deps), {
          accountId,
          subject: subjectOf(ctx),
          response,
          name: formField(ctx, 'name'),
        })
      : { ok: false, reason: 'invalid' };
    if (!result.ok) {
      await deps.audit.record({
        ...who,
        event: 'passkey.register_failed',
        outcome: 'failure',
        details: { reason: result.reason, ...('aaguid' in result && result.aaguid ? { aaguid: result.aaguid } : {}) },
      });
      const error =
        result.reason === 'name'
          ? `The passkey's name ${result.problem}: choose another name and try again.`
          : REGISTRATION_PROBLEMS[result.reason];
      return renderAccount(deps, ctx, { error }, 400);
    }
    await spendEmailProof(deps, accountId);
    await deps.audit.record({
      ...who,
      event: 'passkey.registered',
      outcome: 'success',
      details: { passkey: result.passkey._id, aaguid: result.passkey.aaguid, deviceType: result.passkey.deviceType },
    });
    await notifyAccount(deps.notify, accountId, 'passkey_added', `Its name: ${result.passkey.name}.`);
    return renderAccount(deps, ctx, { message: `Passkey "${result.passkey.name}" added.` });
  };
}

/** POST /account/passkeys/confirm-options — options to confirm a change with one of the account's passkeys. */
export function passkeyConfirmOptions(deps: AccountDeps) {
  return async function passkeyConfirmOptions(ctx: Context): Promise<void> {
    ctx.body = await authenticationOptions(passkeyDeps(deps), {
      purpose: 'confirm',
      subject: subjectOf(ctx),
      accountId: ctx.state.accountSession!.accountId,
    });
  };
}

/**
 * Whether the user proved a second factor just now: a passkey of the account (any of them, the
 * one being removed included) or a code from the authenticator app (or a recovery code).
 * A session cookie alone, even a fresh one, is not enough, as for turning off the app.
 */
async function provenNow(deps: AccountDeps, ctx: Context, accountId: string): Promise<boolean> {
  const response = credentialField<AuthenticationResponseJSON>(ctx);
  if (response) {
    const keys = throttleKeys(await accountLabel(deps.connection, accountId), ctx.ip);
    const check = await verifyPasskey(passkeyDeps(deps), {
      purpose: 'confirm',
      subject: subjectOf(ctx),
      response,
      accountId,
      reserve: () => deps.throttle.reserve(keys),
    });
    if (check.ok) await deps.throttle.release(keys);
    return check.ok;
  }
  const code = formField(ctx, 'code');
  return code !== '' && (await verifySecondFactor(deps.mfa, accountId, code)).ok;
}

const REFUSALS: Record<'last' | 'none' | 'busy', [string, number]> = {
  last: ['Your account signs in only with passkeys: add another before removing this one.', 400],
  none: ['That passkey is not on your account.', 404],
  busy: ['Another change to your passkeys is in progress: try again.', 409],
};

/** POST /account/passkeys/remove — removes one passkey, after a fresh second factor. */
export function deletePasskey(deps: AccountDeps) {
  return async function deletePasskey(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const who = { account: accountId, ip: ctx.ip, requestId: ctx.state.requestId };
    const id = formField(ctx, 'id');
    if (!(await provenNow(deps, ctx, accountId))) {
      await deps.audit.record({
        ...who,
        event: 'passkey.remove_refused',
        outcome: 'failure',
        details: { passkey: id },
      });
      return renderAccount(
        deps,
        ctx,
        { error: 'Confirm with one of your passkeys or a current code to remove a passkey.' },
        401,
      );
    }
    // An account that signs in only with passkeys keeps at least one (checked and removed as one change).
    const removal = await removePasskey(deps.connection, accountId, id);
    if ('refused' in removal) {
      const [error, status] = REFUSALS[removal.refused];
      return renderAccount(deps, ctx, { error }, status);
    }
    await deps.audit.record({ ...who, event: 'passkey.removed', outcome: 'success', details: { passkey: id } });
    await notifyAccount(deps.notify, accountId, 'passkey_removed');
    return renderAccount(deps, ctx, { message: 'Passkey removed.' });
  };
}
