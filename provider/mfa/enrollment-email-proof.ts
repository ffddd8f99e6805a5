import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

import { accountModel, type AccountRecord } from '../accounts/account-model.ts';
import { mailOwner } from '../mail/mail-owner.ts';
import type { NotifyDeps } from '../mail/notify-account.ts';
import { emailProofModel, type EmailProofRecord } from './email-proof-model.ts';
import type { MfaDeps } from './mfa-deps.ts';
import type { AuditLog } from '../security/audit-log.ts';

const MINUTE = 60 * 1000;
/** A code works this long after it is sent. */
export const CODE_MINUTES = 10;
/** Wrong codes before the code is dead (a new one must be sent). */
const MAX_ATTEMPTS = 5;
/** Codes sent per account per hour: with MAX_ATTEMPTS each, at most 25 guesses an hour at 1 in a million. */
const MAX_SENDS = 5;
const WINDOW_MS = 60 * MINUTE;
/** After the right code, this long to scan the QR code and enter the app's first code. */
const PROVEN_MS = 30 * MINUTE;

interface EmailProofDeps {
  mfa: MfaDeps;
  /** the mailer, and the issuer and product name the mail shows */
  notify: NotifyDeps;
}

export type SendResult = 'sent' | 'already_sent' | 'throttled' | 'no_mail';
export type CheckResult = 'proven' | 'wrong' | 'expired' | 'too_many';

/**
 * The code's keyed hash (HMAC under a key derived from MFA_ENCRYPTION_KEY), bound to the account
 * and the subject: the database alone does not reveal a 6-digit code, and a code is good only
 * for the sign-in or session it was sent for.
 */
function codeHash(key: Uint8Array, accountId: string, subject: string, code: string): string {
  const hashKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'meshid enrollment email code v1', 32));
  return createHmac('sha256', hashKey).update(`${accountId}\n${subject}\n${code}`).digest('base64url');
}

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Mails a new single-use code for `subject` to the account's address. Unless `resend`, a code
 * still good for the same subject is not replaced (a page reload sends nothing). At most
 * MAX_SENDS codes an hour per account; a code replaced is dead.
 */
export async function sendEmailProofCode(
  deps: EmailProofDeps,
  accountId: string,
  subject: string,
  { resend = false } = {},
): Promise<SendResult> {
  if (!deps.notify.mailer.enabled) return 'no_mail';
  const Proofs = emailProofModel(deps.mfa.connection);
  const now = new Date();
  const record = await Proofs.findById(accountId).lean<EmailProofRecord>();
  const live = record?.subject === subject && record.codeHash && record.codeExpiresAt && record.codeExpiresAt > now;
  if (live && !resend) return 'already_sent';
  const windowOpen = record !== null && record.windowStart.getTime() + WINDOW_MS > now.getTime();
  if (windowOpen && record.sends >= MAX_SENDS) return 'throttled';

  const account = await accountModel(deps.mfa.connection)
    .findById(accountId, { email: 1 })
    .lean<Pick<AccountRecord, 'email'>>();
  if (!account) return 'no_mail';
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  const fields = {
    subject,
    codeHash: codeHash(deps.mfa.encryptionKey, accountId, subject, code),
    codeExpiresAt: new Date(now.getTime() + CODE_MINUTES * MINUTE),
    attempts: 0,
    sends: windowOpen ? record.sends + 1 : 1,
    windowStart: windowOpen ? record.windowStart : now,
    provenSubject: null,
    provenUntil: null,
    expiresAt: new Date(now.getTime() + WINDOW_MS + PROVEN_MS),
  };
  if (record) {
    // Compare-and-set on what was read: two sends at once cannot both pass the limit.
    const result = await Proofs.updateOne(
      { _id: accountId, sends: record.sends, windowStart: record.windowStart },
      { $set: fields },
    );
    if (result.modifiedCount !== 1) return 'throttled';
  } else {
    try {
      await Proofs.insertMany([{ _id: accountId, ...fields }]);
    } catch {
      return 'throttled'; // another send created it first
    }
  }
  await mailOwner(deps.notify, 'mfa-email-code', account.email, { code, minutes: CODE_MINUTES });
  return 'sent';
}

/**
 * Checks a code typed for `subject`, for the sign-in screen and the account page alike; a refused
 * code is audited (mfa.email_proof_failed) with the request that typed it.
 */
export async function checkEmailProofCode(
  deps: Pick<EmailProofDeps, 'mfa'> & { audit: Pick<AuditLog, 'record'> },
  accountId: string,
  subject: string,
  code: string,
  request: { ip: string; requestId: string },
): Promise<CheckResult> {
  const result = await checkCode(deps, accountId, subject, code);
  if (result !== 'proven')
    await deps.audit.record({
      event: 'mfa.email_proof_failed',
      outcome: 'failure',
      account: accountId,
      ...request,
      details: { reason: result },
    });
  return result;
}

/**
 * Each try is counted before the comparison (atomically, so parallel guesses share
 * MAX_ATTEMPTS); the right code is used up and marks the subject proven.
 */
async function checkCode(
  deps: Pick<EmailProofDeps, 'mfa'>,
  accountId: string,
  subject: string,
  code: string,
): Promise<CheckResult> {
  const Proofs = emailProofModel(deps.mfa.connection);
  const now = new Date();
  const claimed = await Proofs.findOneAndUpdate(
    { _id: accountId, subject, codeHash: { $ne: null }, codeExpiresAt: { $gt: now }, attempts: { $lt: MAX_ATTEMPTS } },
    { $inc: { attempts: 1 } },
    { returnDocument: 'before' },
  ).lean<EmailProofRecord>();
  if (!claimed?.codeHash) {
    const record = await Proofs.findById(accountId, { attempts: 1, subject: 1, codeHash: 1 }).lean<EmailProofRecord>();
    return record?.subject === subject && record.codeHash && record.attempts >= MAX_ATTEMPTS ? 'too_many' : 'expired';
  }
  const typed = codeHash(deps.mfa.encryptionKey, accountId, subject, code.replace(/\s/g, ''));
  if (!sameHash(typed, claimed.codeHash)) return 'wrong';
  const used = await Proofs.updateOne(
    { _id: accountId, codeHash: claimed.codeHash },
    {
      $set: {
        codeHash: null,
        codeExpiresAt: null,
        provenSubject: subject,
        provenUntil: new Date(now.getTime() + PROVEN_MS),
      },
    },
  );
  return used.modifiedCount === 1 ? 'proven' : 'expired';
}

/** Whether `subject` entered the mailed code recently enough to enroll now. */
export async function hasEmailProof(
  deps: Pick<EmailProofDeps, 'mfa'>,
  accountId: string,
  subject: string,
): Promise<boolean> {
  const record = await emailProofModel(deps.mfa.connection)
    .findById(accountId, { provenSubject: 1, provenUntil: 1 })
    .lean<EmailProofRecord>();
  return record?.provenSubject === subject && !!record.provenUntil && record.provenUntil > new Date();
}

/** After the first factor is on: the proof is spent. */
export async function spendEmailProof(deps: Pick<EmailProofDeps, 'mfa'>, accountId: string): Promise<void> {
  await emailProofModel(deps.mfa.connection).deleteOne({ _id: accountId });
}
