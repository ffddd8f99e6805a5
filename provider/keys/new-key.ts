import { randomBytes, randomUUID } from 'node:crypto';

import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

import { seal } from '../security/secret-box.ts';
import type { KeyState, StoredKey } from './key-model.ts';

/** ES256 signs by default (small, fast); RS256 for relying parties that know nothing else. */
export const SIGNING_ALGS = ['ES256', 'RS256'] as const;

/** A fresh signing key pair, its private JWK sealed under the key-encryption key. */
export async function newSigningKey(
  kek: Uint8Array,
  alg: string,
  state: KeyState,
  fixedId?: string,
): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const id = fixedId ?? `signing:${alg}:${kid}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return {
    _id: id,
    kind: 'signing',
    alg,
    state,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    sealed: await seal(kek, JSON.stringify(privateJwk), id),
    createdAt: new Date(),
    activatedAt: state === 'current' ? new Date() : null,
  };
}

export async function newCookieKey(kek: Uint8Array, state: KeyState, fixedId?: string): Promise<StoredKey> {
  const id = fixedId ?? `cookie:${randomUUID()}`;
  return {
    _id: id,
    kind: 'cookie',
    state,
    sealed: await seal(kek, randomBytes(32).toString('base64url'), id),
    createdAt: new Date(),
    activatedAt: state === 'current' ? new Date() : null,
  };
}
