import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from './account-model.ts';
import { normalizeEmail } from './normalize-email.ts';
import { verifyAgainstDummy, verifyPassword } from './password.ts';

/**
 * The account id for a correct email and password, or undefined. Unknown email, disabled
 * account, passkey-only account and wrong password are indistinguishable to the caller, and cost one argon2 each.
 */
export async function authenticate(
  connection: Connection,
  email: string,
  password: string,
): Promise<string | undefined> {
  const account = await accountModel(connection)
    .findOne({ email: normalizeEmail(email) }, { passwordHash: 1, disabled: 1, passwordDisabled: 1 })
    .lean<Pick<AccountRecord, '_id' | 'passwordHash' | 'disabled' | 'passwordDisabled'>>();
  if (!account) return (await verifyAgainstDummy(password)) || undefined;
  const ok = await verifyPassword(account.passwordHash, password);
  // A passkey-only account still costs the hash: the answer and its timing say nothing.
  return ok && !account.disabled && !account.passwordDisabled ? account._id : undefined;
}
