import type { Connection } from 'mongoose';

import { accountModel } from './account-model.ts';

/** Whether an account exists and is not disabled (a passkey sign-in has no password check to say so). */
export async function isActiveAccount(connection: Connection, accountId: string): Promise<boolean> {
  return (await accountModel(connection).exists({ _id: accountId, disabled: { $ne: true } })) !== null;
}
