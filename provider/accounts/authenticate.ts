import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from './account-model.ts';
import { normalizeEmail } from './normalize-email.ts';
import { verifyAgainstDummy, verifyPassword } from './password.ts';

export interface AuthenticatedAccount {
  id: string;
  /** self-registered and not yet confirmed: the sign-in waits for the address */
  mustVerifyEmail: boolean;
}

/**
 * The account for a correct email and password, or undefined. Unknown email, disabled
 * account, passkey-only account and wrong password are indistinguishable to the caller, and cost one argon2 each.
 */
export async function authenticate(
  connection: Connection,
  email: string,
  password: string,
): Promise<AuthenticatedAccount | undefined> {
  const account = await accountModel(connection)
    .findOne(
      { email: normalizeEmail(email) },
      { passwordHash: 1, disabled: 1, passwordDisabled: 1, mustVerifyEmail: 1 },
    )
    .lean<Pick<AccountRecord, '_id' | 'passwordHash' | 'disabled' | 'passwordDisabled' | 'mustVerifyEmail'>>();
  if (!account) {
    await verifyAgainstDummy(password);
    return undefined;
  }
  const ok = await verifyPassword(account.passwordHash, password);
  // A passkey-only account still costs the hash: the answer and its timing say nothing.
  if (!ok || account.disabled || account.passwordDisabled) return undefined;
  return { id: account._id, mustVerifyEmail: account.mustVerifyEmail === true };
}
