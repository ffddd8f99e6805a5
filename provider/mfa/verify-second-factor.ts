import { mfaModel, type MfaRecord } from './mfa-model.ts';
import type { MfaDeps } from './mfa-deps.ts';
import { lockoutDelay } from './lockout-delay.ts';
import { matchRecoveryCode } from './recovery-codes.ts';
import { checkTotp } from './totp.ts';
import { open } from '../security/secret-box.ts';

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'recovery_code' }
  | { ok: false; reason: 'wrong' | 'not_enrolled' }
  | { ok: false; reason: 'locked'; retryAfter: number };

function secondsUntil(date: Date | null | undefined, now: number): number {
  return date ? Math.max(0, Math.ceil((date.getTime() - now) / 1000)) : 0;
}

async function recordFailure(deps: MfaDeps, accountId: string): Promise<SecondFactorResult> {
  const Mfa = mfaModel(deps.connection);
  const after = await Mfa.findOneAndUpdate({ _id: accountId }, { $inc: { failures: 1 } }, { returnDocument: 'after', projection: { failures: 1 } }).lean<MfaRecord>();
  const delay = lockoutDelay(after?.failures ?? 0);
  if (delay === 0) return { ok: false, reason: 'wrong' };
  await Mfa.updateOne({ _id: accountId }, { $set: { lockedUntil: new Date(Date.now() + delay * 1000) } });
  return { ok: false, reason: 'locked', retryAfter: delay };
}

/**
 * Checks a TOTP code (six digits) or a recovery code. Wrong answers are counted per account in
 * the database, so every instance sees the same count; after five in a row attempts are refused
 * for a growing delay. An accepted TOTP step and a used recovery code can never be used again:
 * both are claimed with a conditional update (on the last step, on the recovery set's
 * version), so two concurrent requests cannot both win.
 */
export async function verifySecondFactor(deps: MfaDeps, accountId: string, input: string): Promise<SecondFactorResult> {
  const Mfa = mfaModel(deps.connection);
  const now = Date.now();
  const record = await Mfa.findById(accountId).lean<MfaRecord>();
  if (!record?.totpSecret) return { ok: false, reason: 'not_enrolled' };
  const locked = secondsUntil(record.lockedUntil, now);
  if (locked > 0) return { ok: false, reason: 'locked', retryAfter: locked };

  const code = input.trim();
  const reset = { failures: 0, lockedUntil: null, updatedAt: new Date() };
  if (/^\d{6}$/.test(code)) {
    const secret = await open(deps.encryptionKey, record.totpSecret, accountId);
    const step = await checkTotp(secret, code, record.lastUsedStep, now);
    if (step !== undefined) {
      const claimed = await Mfa.updateOne({ _id: accountId, lastUsedStep: { $lt: step } }, { $set: { lastUsedStep: step, ...reset } });
      if (claimed.modifiedCount === 1) return { ok: true, method: 'totp' };
    }
    return recordFailure(deps, accountId);
  }

  const index = await matchRecoveryCode(record.recoveryCodes, code);
  if (index >= 0) {
    // Claim the code by replacing the set we read, only if nobody changed it meanwhile.
    const version = record.recoveryVersion ?? 0;
    const recoveryCodes = record.recoveryCodes.map((entry, i) => (i === index ? { ...entry, usedAt: new Date() } : entry));
    const claimed = await Mfa.updateOne(
      { _id: accountId, recoveryVersion: version },
      { $set: { recoveryCodes, recoveryVersion: version + 1, ...reset } },
    );
    if (claimed.modifiedCount === 1) return { ok: true, method: 'recovery_code' };
  }
  return recordFailure(deps, accountId);
}
