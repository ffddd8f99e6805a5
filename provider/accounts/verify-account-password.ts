import type { Connection } from 'mongoose';

import { accountModel, type AccountRecord } from './account-model.ts';
import { verifyPassword } from './password.ts';

/** Re-checks the password of an already identified account (for sensitive changes). */
export async function verifyAccountPassword(
  connection: Connection,
  accountId: string,
  password: string,
): Promise<boolean> {
  const account = await accountModel(connection)
    .findById(accountId, { passwordHash: 1 })
    .lean<Pick<AccountRecord, 'passwordHash'>>();
  return !!account && (await verifyPassword(account.passwordHash, password));
}
