import { mfaModel, type MfaRecord } from './mfa-model.ts';
import type { MfaDeps } from './mfa-deps.ts';
import { newRecoveryCodes } from './recovery-codes.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';
import { open, seal } from '../security/secret-box.ts';

/** A pending enrollment lives this long: enough to open an app and scan. */
const PENDING_MS = 15 * 60 * 1000;

export interface PendingEnrollment {
  /** base32, for typing into an app by hand */
  secret: string;
  /** otpauth:// URI for the QR code */
  uri: string;
}

/**
 * Starts (or restarts) enrollment: a new secret, stored sealed as pending. Nothing changes for
 * sign-in until activateEnrollment proves the user's app produces its codes.
 */
export async function startEnrollment(deps: MfaDeps, accountId: string, label: string): Promise<PendingEnrollment> {
  const secret = newTotpSecret();
  await mfaModel(deps.connection).updateOne(
    { _id: accountId },
    {
      $set: {
        pendingSecret: await seal(deps.encryptionKey, secret, accountId),
        pendingAt: new Date(),
        updatedAt: new Date(),
      },
      $setOnInsert: { lastUsedStep: 0, recoveryCodes: [], recoveryVersion: 0, failures: 0 },
    },
    { upsert: true },
  );
  return { secret, uri: totpUri(secret, label, deps.issuerName) };
}

/** The pending secret of an account, to show again on a page reload. */
async function pendingEnrollment(
  deps: MfaDeps,
  accountId: string,
  label: string,
): Promise<PendingEnrollment | undefined> {
  const record = await mfaModel(deps.connection)
    .findById(accountId, { pendingSecret: 1, pendingAt: 1 })
    .lean<MfaRecord>();
  if (!record?.pendingSecret || !record.pendingAt || record.pendingAt.getTime() + PENDING_MS < Date.now())
    return undefined;
  const secret = await open(deps.encryptionKey, record.pendingSecret, accountId);
  return { secret, uri: totpUri(secret, label, deps.issuerName) };
}

/** The pending secret to show: the one being enrolled (a page reload), or a new one. */
export async function pendingOrNewEnrollment(
  deps: MfaDeps,
  accountId: string,
  label: string,
  { restart = false } = {},
): Promise<PendingEnrollment> {
  return (!restart && (await pendingEnrollment(deps, accountId, label))) || startEnrollment(deps, accountId, label);
}

export type ActivationResult = { activated: true; recoveryCodes: string[] } | { activated: false };

/**
 * Activates the pending secret if `code` is valid for it: it becomes the account's factor, the
 * code's step is recorded (no replay), and ten recovery codes are made. Never over an active
 * factor: replacing one means removing it first, which takes the factor itself, so knowing the
 * password and a pending secret is not enough to swap in an attacker's app.
 */
export async function activateEnrollment(deps: MfaDeps, accountId: string, code: string): Promise<ActivationResult> {
  const Mfa = mfaModel(deps.connection);
  const record = await Mfa.findById(accountId).lean<MfaRecord>();
  if (!record?.pendingSecret || !record.pendingAt || record.pendingAt.getTime() + PENDING_MS < Date.now())
    return { activated: false };
  if (record.totpSecret) return { activated: false };
  const secret = await open(deps.encryptionKey, record.pendingSecret, accountId);
  const step = await checkTotp(secret, code.trim(), 0);
  if (step === undefined) return { activated: false };

  const { codes, stored } = await newRecoveryCodes(deps.encryptionKey);
  // Only the pending secret we checked may be activated (a concurrent restart changes it), and
  // only while no factor is active (one activated meanwhile is not overwritten).
  const result = await Mfa.updateOne(
    { _id: accountId, pendingSecret: record.pendingSecret, totpSecret: null },
    {
      $inc: { recoveryVersion: 1 },
      $set: {
        totpSecret: record.pendingSecret,
        activatedAt: new Date(),
        pendingSecret: null,
        pendingAt: null,
        lastUsedStep: step,
        recoveryCodes: stored,
        failures: 0,
        lockedUntil: null,
        updatedAt: new Date(),
      },
    },
  );
  return result.modifiedCount === 1 ? { activated: true, recoveryCodes: codes } : { activated: false };
}
