import { randomBytes } from 'node:crypto';

import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Connection } from 'mongoose';

import { keyModel, type StoredKey } from './key-model.ts';

export interface ProviderKeys {
  /** private JWKs, ES256 first: the first key of an algorithm is the one that signs */
  signing: JWK[];
  /** newest first: the first signs cookies, the rest still verify */
  cookie: string[];
}

/** ES256 signs by default (small, fast); RS256 for relying parties that know nothing else. */
const SIGNING_ALGS = ['ES256', 'RS256'] as const;

async function newSigningKey(alg: string): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { _id: `signing:${alg}:initial`, kind: 'signing', alg, jwk: { ...jwk, kid, alg, use: 'sig' }, createdAt: new Date() };
}

function newCookieKey(): StoredKey {
  return { _id: 'cookie:initial', kind: 'cookie', secret: randomBytes(32).toString('base64url'), createdAt: new Date() };
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * Reads every stored key, creating the first ones when the database has none.
 * The fixed `_id`s and `$setOnInsert` let several instances start at once on an empty
 * database and still agree on one key of each kind.
 */
export async function loadOrCreateKeys(connection: Connection): Promise<ProviderKeys> {
  const Key = keyModel(connection);
  let stored = await Key.find({}).sort({ createdAt: -1 }).lean<StoredKey[]>();

  const missing = [
    ...await Promise.all(SIGNING_ALGS
      .filter((alg) => !stored.some((key) => key.kind === 'signing' && key.alg === alg))
      .map(newSigningKey)),
    ...(stored.some((key) => key.kind === 'cookie') ? [] : [newCookieKey()]),
  ];
  if (missing.length > 0) {
    await Promise.all(missing.map(async (key) => {
      try {
        await Key.updateOne({ _id: key._id }, { $setOnInsert: key }, { upsert: true });
      } catch (err) {
        // Another instance inserted the same _id first: theirs wins, we read it back below.
        if (!isDuplicateKey(err)) throw err;
      }
    }));
    stored = await Key.find({}).sort({ createdAt: -1 }).lean<StoredKey[]>();
  }

  const signing = stored
    .filter((key) => key.kind === 'signing' && key.jwk)
    .sort((a, b) => SIGNING_ALGS.indexOf(a.alg as never) - SIGNING_ALGS.indexOf(b.alg as never))
    .map((key) => key.jwk as JWK);
  const cookie = stored.filter((key) => key.kind === 'cookie' && key.secret).map((key) => key.secret!);
  return { signing, cookie };
}
