import { createHash } from 'node:crypto';

import type { Connection } from 'mongoose';

import { knownDeviceModel } from './known-device-model.ts';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** first: the account's first device ever; known: seen before; new: another device than before. */
type DeviceSeen = 'first' | 'known' | 'new';

/**
 * Records a sign-in of the account from the browser that holds `deviceId` (its device cookie;
 * only a hash is stored) and says whether the account knew that browser. Two operations: an
 * upsert, and for a browser it did not know, whether it knew any other.
 */
export async function recordDevice(connection: Connection, accountId: string, deviceId: string): Promise<DeviceSeen> {
  const Device = knownDeviceModel(connection);
  const now = new Date();
  const id = `${accountId}|${createHash('sha256').update(deviceId).digest('base64url')}`;
  const result = await Device.updateOne(
    { _id: id },
    { $set: { lastSeen: now, expiresAt: new Date(now.getTime() + YEAR_MS) }, $setOnInsert: { accountId } },
    { upsert: true },
  );
  if (result.upsertedCount === 0) return 'known';
  return (await Device.exists({ accountId, _id: { $ne: id } })) ? 'new' : 'first';
}
