import type { Connection } from 'mongoose';

import type { PasswordHashingConfig } from '../config.ts';
import { accountModel } from './account-model.ts';
import { hashPassword } from './password.ts';

/**
 * Stores the hash of a new password, already checked against the policy, with the configured
 * argon2id profile (and `also`, such as an address the reset link proved). Signing out and
 * notices are the caller's: a change on /account keeps this browser, a reset keeps none.
 */
export async function storePassword(
  connection: Connection,
  accountId: string,
  password: string,
  hashing: PasswordHashingConfig,
  also: { emailVerified?: boolean } = {},
): Promise<void> {
  await accountModel(connection).updateOne(
    { _id: accountId },
    { $set: { passwordHash: await hashPassword(password, hashing), ...also, updatedAt: new Date() } },
  );
}
