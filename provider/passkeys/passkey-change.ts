import type { Connection } from 'mongoose';

import { accountModel } from '../accounts/account-model.ts';

/** Longer than any passkey change takes; a holder that crashed frees the account after this. */
const LEASE_MS = 15_000;

/** What a passkey change came to when it could not run: another is in progress, or no such account. */
export type NotRun = 'busy' | 'no_account';

/**
 * Runs `work` (a count of an account's credentials and the write that depends on it) as the only
 * passkey change of this account in progress on any instance. "A passkey-only account keeps one
 * passkey" spans the account and its passkeys, and a standalone MongoDB has no transaction over
 * two documents, so a count followed by a delete lets two removals each see two passkeys and
 * delete one each. The lease is one conditional write on the account document, so exactly one of
 * two concurrent changes gets it; the other is answered `busy` at once.
 */
export async function withPasskeyChange<T>(
  connection: Connection,
  accountId: string,
  work: () => Promise<T>,
): Promise<T | NotRun> {
  const Account = accountModel(connection);
  const now = new Date();
  const until = new Date(now.getTime() + LEASE_MS);
  const taken = await Account.updateOne(
    { _id: accountId, $or: [{ passkeyChangeUntil: null }, { passkeyChangeUntil: { $lte: now } }] },
    { $set: { passkeyChangeUntil: until } },
  );
  if (taken.matchedCount !== 1) return (await Account.exists({ _id: accountId })) ? 'busy' : 'no_account';
  try {
    return await work();
  } finally {
    // Only our own lease: had it lapsed and been taken by another, that one is not ours to free.
    await Account.updateOne({ _id: accountId, passkeyChangeUntil: until }, { $unset: { passkeyChangeUntil: 1 } });
  }
}
