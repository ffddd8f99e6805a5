import type { Connection } from 'mongoose';

import { passkeyModel, type PasskeyRecord } from './passkey-model.ts';

export type PasskeySummary = Pick<PasskeyRecord, '_id' | 'name' | 'createdAt' | 'lastUsedAt' | 'deviceType' | 'aaguid'>;

/** An account's passkeys, oldest first, without their keys. */
export async function listPasskeys(connection: Connection, accountId: string): Promise<PasskeySummary[]> {
  return passkeyModel(connection)
    .find({ accountId }, { name: 1, createdAt: 1, lastUsedAt: 1, deviceType: 1, aaguid: 1 })
    .sort({ createdAt: 1 })
    .lean<PasskeySummary[]>();
}

/** How many passkeys an account has. */
export async function countPasskeys(connection: Connection, accountId: string): Promise<number> {
  return passkeyModel(connection).countDocuments({ accountId });
}

/** Removes one passkey of this account; false when it has no such passkey. */
export async function removePasskey(connection: Connection, accountId: string, id: string): Promise<boolean> {
  const result = await passkeyModel(connection).deleteOne({ _id: id, accountId });
  return result.deletedCount === 1;
}

/** Removes every passkey of an account (admin: a lost device, an account handed over). */
export async function removeAllPasskeys(connection: Connection, accountId: string): Promise<number> {
  const result = await passkeyModel(connection).deleteMany({ accountId });
  return result.deletedCount;
}
