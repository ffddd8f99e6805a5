import { mfaModel, type MfaRecord } from './mfa-model.ts';
import type { MfaDeps } from './mfa-deps.ts';
import { lockoutDelay } from './lockout-delay.ts';
import { matchRecoveryCode } from './recovery-codes.ts';
import { checkTotp } from './totp.ts';
import { reserveAttempt } from '../security/reserve-attempt.ts';
import { open } from '../security/secret-box.ts';

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'recovery_code' }
  | { ok: false; reason: 'wrong' | 'not_enrolled' }
  /** the stored secret does not open under MFA_ENCRYPTION_KEY (another key, or damaged): nothing was checked */
  | { ok: false; reason: 'unreadable' }
  /** locked: this wrong code started a wait; throttled: refused unchecked during one */
  | { ok: false; reason: 'locked' | 'throttled'; retryAfter: number };

/**
 * Checks a TOTP code (six digits) or a recovery code. Each attempt is reserved before it is
 * checked (security/reserve-attempt.ts): counted per account in the database, so every instance
 * and every concurrent request sees the same count; after five wrong in a row attempts are
 * refused, unchecked, for a growing delay. A right code clears the count. An accepted TOTP step
 * and a used recovery code can never be used again: both are claimed with a conditional update
 * (on the last step, on the recovery set's version), so two concurrent requests cannot both win.
 */
export async function verifySecondFactor(deps: MfaDeps, accountId: string, input: string): Promise<SecondFactorResult> {
  const Mfa = mfaModel(deps.connection);
  const record = await Mfa.findById(accountId).lean<MfaRecord>();
  if (!record?.totpSecret) return { ok: false, reason: 'not_enrolled' };
  const reservation = await reserveAttempt(Mfa, accountId, record, { delay: lockoutDelay, insert: false });
  if (!reservation.ok) return { ok: false, reason: 'throttled', retryAfter: Math.max(1, reservation.retryAfter) };
  const wrong: SecondFactorResult =
    reservation.wait > 0
      ? { ok: false, reason: 'locked', retryAfter: reservation.wait }
      : { ok: false, reason: 'wrong' };

  const code = input.trim();
  const reset = { failures: 0, lockedUntil: null, updatedAt: new Date() };
  if (/^\d{6}$/.test(code)) {
    const secret = await open(deps.encryptionKey, record.totpSecret, accountId).catch(() => undefined);
    if (secret === undefined) return { ok: false, reason: 'unreadable' };
    const step = await checkTotp(secret, code, record.lastUsedStep);
    if (step !== undefined) {
      const claimed = await Mfa.updateOne(
        { _id: accountId, lastUsedStep: { $lt: step } },
        { $set: { lastUsedStep: step, ...reset } },
      );
      if (claimed.modifiedCount === 1) return { ok: true, method: 'totp' };
    }
    return wrong;
  }

  const index = await matchRecoveryCode(record.recoveryCodes, code, { key: deps.encryptionKey });
  if (index >= 0) {
    // Claim the code by replacing the set we read, only if nobody changed it meanwhile.
    const version = record.recoveryVersion ?? 0;
    const recoveryCodes = record.recoveryCodes.map((entry, i) =>
      i === index ? { ...entry, usedAt: new Date() } : entry,
    );
    const claimed = await Mfa.updateOne(
      { _id: accountId, recoveryVersion: version },
      { $set: { recoveryCodes, recoveryVersion: version + 1, ...reset } },
    );
    if (claimed.modifiedCount === 1) return { ok: true, method: 'recovery_code' };
  }
  return wrong;
}
