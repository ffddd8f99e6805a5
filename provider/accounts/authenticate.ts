import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from './account-model.ts';
import { normalizeEmail } from './normalize-email.ts';
import type { PasswordHashingConfig } from '../config.ts';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password.ts';

interface AuthenticatedAccount {
  id: string;
  /** self-registered and not yet confirmed: the sign-in waits for the address */
  mustVerifyEmail: boolean;
}

/**
 * The account for a correct email and password, or undefined. Unknown email, disabled
 * account, passkey-only account and wrong password are indistinguishable to the caller, and cost one argon2 each.
 * A correct password whose hash was made with other parameters than the configured ones is
 * hashed again with them (once: the stored hash then carries the new parameters).
 */
export async function authenticate(
  connection: Connection,
  email: string,
  password: string,
  hashing: PasswordHashingConfig,
): Promise<AuthenticatedAccount | undefined> {
  const account = await accountModel(connection)
    .findOne(
      { email: normalizeEmail(email) },
      { passwordHash: 1, disabled: 1, passwordDisabled: 1, mustVerifyEmail: 1 },
    )
    .lean<Pick<AccountRecord, '_id' | 'passwordHash' | 'disabled' | 'passwordDisabled' | 'mustVerifyEmail'>>();
  if (!account) {
    await verifyAgainstDummy(password, hashing);
    return undefined;
  }
  const ok = await verifyPassword(account.passwordHash, password);
  // A passkey-only account still costs the hash: the answer and its timing say nothing.
  if (!ok || account.disabled || account.passwordDisabled) return undefined;
  if (needsRehash(account.passwordHash, hashing)) {
    // Only if the hash is still the one checked: a password changed meanwhile is not undone.
    await accountModel(connection).updateOne(
      { _id: account._id, passwordHash: account.passwordHash },
      { $set: { passwordHash: await hashPassword(password, hashing) } },
    );
  }
  return { id: account._id, mustVerifyEmail: account.mustVerifyEmail === true };
}
