import type { Connection } from 'mongoose';

import { keyModel, keysetVersionModel, type KeysetVersion } from './key-model.ts';
import { newCookieKey, newSigningKey, SIGNING_ALGS } from './new-key.ts';

const LEASE_MS = 60_000;

type RotationResult = { rotated: true; version: number } | { rotated: false; reason: string };

/**
 * Rotates every key: per algorithm the current signing key retires (still published), the
 * published `next` key starts signing, and a new `next` is made; the cookie key is replaced (the
 * old one still verifies until it expires). Retired keys past the retention are deleted.
 *
 * One rotation at a time across all instances: a lease on the keyset document is taken with a
 * conditional update; the version moves only when the new set is complete, so an instance
 * polling the version never loads a half-rotated set.
 */
export async function rotateKeys(
  connection: Connection,
  kek: Uint8Array,
  retentionSeconds: number,
): Promise<RotationResult> {
  const Version = keysetVersionModel(connection);
  const Key = keyModel(connection);
  const now = new Date();
  const keyset = await Version.findById('keyset').lean<KeysetVersion>();
  if (!keyset) return { rotated: false, reason: 'no keys yet' };
  const lease = await Version.updateOne(
    { _id: 'keyset', version: keyset.version, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
    { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS) } },
  );
  if (lease.modifiedCount !== 1) return { rotated: false, reason: 'another rotation is in progress' };

  const fresh = await Promise.all([
    ...SIGNING_ALGS.map((alg) => newSigningKey(kek, alg, 'next')),
    newCookieKey(kek, 'current'),
  ]);
  await Key.updateMany({ kind: 'signing', state: 'current' }, { $set: { state: 'retired', retiredAt: now } });
  await Key.updateMany({ kind: 'signing', state: 'next' }, { $set: { state: 'current', activatedAt: now } });
  await Key.updateMany({ kind: 'cookie', state: 'current' }, { $set: { state: 'retired', retiredAt: now } });
  await Key.insertMany(fresh);
  await Key.deleteMany({ state: 'retired', retiredAt: { $lt: new Date(now.getTime() - retentionSeconds * 1000) } });

  const version = keyset.version + 1;
  await Version.updateOne({ _id: 'keyset' }, { $set: { version, changedAt: now, leaseUntil: null } });
  return { rotated: true, version };
}
