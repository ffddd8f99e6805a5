import { createHash, randomBytes } from 'node:crypto';

import type { Connection } from 'mongoose';

import { resetTokenModel, type ResetTokenRecord } from './reset-token-model.ts';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new single-use reset token for the account, valid `seconds`; only its hash is stored. */
export async function issueResetToken(connection: Connection, accountId: string, seconds: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await resetTokenModel(connection).insertMany([
    { _id: hashOf(token), accountId, expiresAt: new Date(Date.now() + seconds * 1000) },
  ]);
  return token;
}

/** The account a token is for, while it is valid; it is not used up (a mail scanner may open links). */
export async function resetTokenAccount(connection: Connection, token: string): Promise<string | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const record = await resetTokenModel(connection)
    .findOne({ _id: hashOf(token), expiresAt: { $gt: new Date() } }, { accountId: 1 })
    .lean<Pick<ResetTokenRecord, 'accountId'>>();
  return record?.accountId;
}

/**
 * Uses a token up: deleted on the condition that it is still there and valid, so of two
 * concurrent uses one wins. Every other link of the account dies with it.
 */
export async function takeResetToken(connection: Connection, token: string): Promise<string | undefined> {
  const accountId = await resetTokenAccount(connection, token);
  if (!accountId) return undefined;
  const Reset = resetTokenModel(connection);
  const taken = await Reset.deleteOne({ _id: hashOf(token), expiresAt: { $gt: new Date() } });
  if (taken.deletedCount !== 1) return undefined;
  await Reset.deleteMany({ accountId });
  return accountId;
}
