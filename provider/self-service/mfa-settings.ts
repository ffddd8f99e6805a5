import type { Context } from 'koa';

import { accountLabel } from '../accounts/account-label.ts';
import { InvalidRequest } from '../errors.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { formField } from '../forms/form-field.ts';
import { enrollTotp } from '../mfa/enroll-totp.ts';
import { pendingOrNewEnrollment } from '../mfa/enrollment.ts';
import { checkEmailProofCode, sendEmailProofCode } from '../mfa/enrollment-email-proof.ts';
import { mayEnrollFactor } from '../mfa/first-factor-rule.ts';
import { accountProofSubject, renderAccountEmailProof } from './account-email-proof.ts';
import { regenerateRecoveryCodes, removeFactor } from '../mfa/manage-factor.ts';
import { mfaStatus } from '../mfa/mfa-status.ts';
import { verifySecondFactor } from '../mfa/verify-second-factor.ts';
import { CHECK_WORDS } from '../views/email-proof-screen.ts';
import { renderEnrollmentScreen } from '../views/enrollment-screen.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { AccountDeps } from './account-deps.ts';
import { accountCsrfSubject } from './account-csrf.ts';
import { recordSecondFactor } from '../sessions/current-session.ts';
import { renderAccount } from './show-account.ts';
import { notifyAccount } from '../mail/notify-account.ts';

async function renderEnrollment(deps: AccountDeps, ctx: Context, restart: boolean, error?: string): Promise<void> {
  const { accountId } = ctx.state.accountSession!;
  const pending = await pendingOrNewEnrollment(deps.mfa, accountId, await accountLabel(deps.connection, accountId), {
    restart,
  });
  const csrf = csrfToken(currentCsrfKey(deps.live), accountCsrfSubject(ctx)!);
  await renderEnrollmentScreen(
    deps.views,
    ctx,
    { pending, action: '/account/mfa/activate', csrf, error, cancel: { href: '/account' } },
    error ? 401 : 200,
  );
}

function renderCodes(deps: AccountDeps, ctx: Context, codes: string[]): void {
  renderScreen(deps.views, ctx, 'recovery-codes.njk', {
    title: 'Save your recovery codes',
    codes,
    continueUrl: '/account',
  });
}

/**
 * POST /account/mfa/start — a new secret to scan. Refused while a factor is on: replacing it
 * means turning it off first, which takes a current code, so a session that never proved the
 * factor cannot swap in its own. A first factor that needs the email proven asks for the mailed
 * code first.
 */
export function startMfaEnrollment(deps: AccountDeps) {
  return async function startMfaEnrollment(ctx: Context): Promise<void> {
    if ((await mfaStatus(deps.connection, ctx.state.accountSession!.accountId)).enrolled) {
      throw new InvalidRequest(
        'Two-step verification is already on. To move it to a new app, turn it off with a current code first.',
      );
    }
    if (!(await mayEnrollFactor(deps, ctx.state.accountSession!.accountId, accountProofSubject(ctx))))
      return renderAccountEmailProof(deps, ctx);
    return renderEnrollment(deps, ctx, true);
  };
}

/** POST /account/mfa/email/send — a new mailed code (bounded per hour). */
export function resendAccountCode(deps: AccountDeps) {
  return async function resendAccountCode(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const send = await sendEmailProofCode(deps, accountId, accountProofSubject(ctx), { resend: true });
    return renderAccountEmailProof(deps, ctx, { send }, send === 'throttled' ? 429 : 200);
  };
}

/** POST /account/mfa/email — the mailed code; the right one shows the app's enrollment. */
export function confirmAccountEmail(deps: AccountDeps) {
  return async function confirmAccountEmail(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const result = await checkEmailProofCode(deps, accountId, accountProofSubject(ctx), formField(ctx, 'code'), {
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    if (result === 'proven') return renderEnrollment(deps, ctx, true);
    return renderAccountEmailProof(
      deps,
      ctx,
      { send: 'already_sent', error: CHECK_WORDS[result] },
      result === 'too_many' ? 429 : 401,
    );
  };
}

/** POST /account/mfa/activate — the first valid code turns the factor on; recovery codes shown once. */
export function activateMfa(deps: AccountDeps) {
  return async function activateMfa(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    if (!(await mayEnrollFactor(deps, accountId, accountProofSubject(ctx))))
      return renderAccountEmailProof(
        deps,
        ctx,
        { error: 'Confirm your email with the code we sent before setting up the app.' },
        403,
      );
    const activation = await enrollTotp(deps, accountId, formField(ctx, 'code'), {
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    if (!activation.activated)
      return renderEnrollment(
        deps,
        ctx,
        false,
        'That code is not right. Check the time on your phone and enter the current code.',
      );
    // The code just typed proves the factor: this session stays good for the account pages.
    await recordSecondFactor(deps.live.provider, ctx.state.accountSession!.id);
    renderCodes(deps, ctx, activation.recoveryCodes);
  };
}

/**
 * POST /account/mfa/remove — only with the factor itself: a current code from the app or a
 * recovery code (for a lost phone). Never the password, which is the first factor.
 */
export function removeMfa(deps: AccountDeps) {
  return async function removeMfa(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const proven = (await verifySecondFactor(deps.mfa, accountId, formField(ctx, 'proof'))).ok;
    if (!proven) {
      await deps.audit.record({
        event: 'mfa.remove_refused',
        outcome: 'failure',
        account: accountId,
        ip: ctx.ip,
        requestId: ctx.state.requestId,
      });
      return renderAccount(deps, ctx, { error: 'That code is not right; two-step verification is still on.' }, 401);
    }
    await removeFactor(deps.mfa, accountId);
    await deps.audit.record({
      event: 'mfa.removed',
      outcome: 'success',
      account: accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    await notifyAccount(deps.notify, accountId, 'mfa_removed');
    return renderAccount(deps, ctx, { message: 'Two-step verification is off.' });
  };
}

/** POST /account/mfa/recovery-codes — ten new codes after a current code; the old ones stop working. */
export function newRecoveryCodes(deps: AccountDeps) {
  return async function newRecoveryCodes(ctx: Context): Promise<void> {
    const { accountId } = ctx.state.accountSession!;
    const check = await verifySecondFactor(deps.mfa, accountId, formField(ctx, 'code'));
    if (!check.ok || check.method !== 'totp')
      return renderAccount(deps, ctx, { error: 'Enter a current code from your app to make new recovery codes.' }, 401);
    const codes = await regenerateRecoveryCodes(deps.mfa, accountId);
    if (!codes) return renderAccount(deps, ctx, { error: 'Two-step verification is not on.' }, 400);
    await deps.audit.record({
      event: 'mfa.recovery_codes_regenerated',
      outcome: 'success',
      account: accountId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    renderCodes(deps, ctx, codes);
  };
}
