import type { JWK } from 'jose';
import type { Connection } from 'mongoose';

import { open } from '../security/secret-box.ts';
import { keyModel, keysetVersionModel, type KeyState, type StoredKey } from './key-model.ts';
import { newCookieKey, newSigningKey, SIGNING_ALGS } from './new-key.ts';

export interface ProviderKeys {
  /** private JWKs: per algorithm the current key first (oidc-provider signs with the first), then next, then retired */
  signing: JWK[];
  /** the public halves of every published key, same order: what /jwks serves */
  published: JWK[];
  /** cookie secrets, current first: the first signs, the others still verify */
  cookie: string[];
  /** the keyset version these keys were read at */
  version: number;
  /** when each algorithm's current key started signing (key age metric, scheduled rotation) */
  currentSince: Record<string, Date>;
}

class KeyDecryptionError extends Error {
  constructor(id: string) {
    super(
      `KEY_ENCRYPTION_KEY does not open the stored key ${id}: set the key-encryption key these keys were sealed with`,
    );
    this.name = 'KeyDecryptionError';
  }
}

const STATE_ORDER: Record<KeyState, number> = { current: 0, next: 1, retired: 2 };

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

async function openKey(kek: Uint8Array, key: StoredKey): Promise<string> {
  try {
    return await open(kek, key.sealed, key._id);
  } catch {
    throw new KeyDecryptionError(key._id);
  }
}

/**
 * Creates the first keys of an empty database: per algorithm a current and a next signing key,
 * and a current cookie key. Bootstrap ids are fixed and written with $setOnInsert, so several
 * instances starting at once on an empty database agree on one set.
 */
export async function ensureKeys(connection: Connection, kek: Uint8Array): Promise<void> {
  const Key = keyModel(connection);
  const stored = await Key.find({}, { kind: 1, alg: 1, state: 1 }).lean<
    Pick<StoredKey, '_id' | 'kind' | 'alg' | 'state'>[]
  >();
  const has = (kind: string, state: KeyState, alg?: string) =>
    stored.some((k) => k.kind === kind && k.state === state && (alg === undefined || k.alg === alg));
  const wanted: Promise<StoredKey>[] = [];
  for (const alg of SIGNING_ALGS) {
    if (!has('signing', 'current', alg))
      wanted.push(newSigningKey(kek, alg, 'current', `bootstrap:signing:${alg}:current`));
    if (!has('signing', 'next', alg)) wanted.push(newSigningKey(kek, alg, 'next', `bootstrap:signing:${alg}:next`));
  }
  if (!has('cookie', 'current')) wanted.push(newCookieKey(kek, 'current', 'bootstrap:cookie:current'));
  if (wanted.length === 0) return;

  for (const key of await Promise.all(wanted)) {
    try {
      await Key.updateOne({ _id: key._id }, { $setOnInsert: key }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  try {
    await keysetVersionModel(connection).updateOne(
      { _id: 'keyset' },
      { $setOnInsert: { version: 1, changedAt: new Date() } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

export async function keysetVersion(connection: Connection): Promise<number> {
  const doc = await keysetVersionModel(connection).findById('keyset', { version: 1 }).lean<{ version: number }>();
  return doc?.version ?? 0;
}

/**
 * Reads and opens every published key. Retired keys past the retention are left out (the next
 * rotation deletes them). A key that will not open stops the caller: running on with keys
 * missing would quietly break tokens.
 */
export async function loadKeys(
  connection: Connection,
  kek: Uint8Array,
  retentionSeconds: number,
): Promise<ProviderKeys> {
  const version = await keysetVersion(connection);
  const cutoff = Date.now() - retentionSeconds * 1000;
  const stored = (await keyModel(connection).find({}).lean<StoredKey[]>())
    .filter((key) => key.state !== 'retired' || (key.retiredAt?.getTime() ?? 0) > cutoff)
    // current, then next, then retired; within a state the most recently activated/created first
    .sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        (b.activatedAt ?? b.createdAt).getTime() - (a.activatedAt ?? a.createdAt).getTime(),
    );

  const signingKeys = stored.filter((key) => key.kind === 'signing');
  const signing = await Promise.all(signingKeys.map(async (key) => JSON.parse(await openKey(kek, key)) as JWK));
  const cookie = await Promise.all(stored.filter((key) => key.kind === 'cookie').map((key) => openKey(kek, key)));
  const currentSince: Record<string, Date> = {};
  for (const key of signingKeys) {
    if (key.state === 'current' && key.alg && !currentSince[key.alg])
      currentSince[key.alg] = key.activatedAt ?? key.createdAt;
  }
  return { signing, published: signingKeys.map((key) => key.publicJwk as JWK), cookie, version, currentSince };
}
