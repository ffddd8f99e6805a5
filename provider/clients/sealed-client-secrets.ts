import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';

import { open, seal } from '../security/secret-box.ts';
import { isHashedClientSecret } from './client-secret.ts';

const SEALED = 'sealed$';

/**
 * The Client store, wrapped so that a self-registered confidential client's secret is sealed at
 * rest (KEY_ENCRYPTION_KEY). Its secret cannot be a hash like an operator's client's: RFC 7592
 * hands it back when the client reads its registration, so a clear copy must be recoverable.
 * Hashes (clients the admin CLI made) pass through untouched.
 */
export class SealedClientSecrets implements Adapter {
  readonly #inner: Adapter;
  readonly #key: Uint8Array;

  constructor(inner: Adapter, key: Uint8Array) {
    this.#inner = inner;
    this.#key = key;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const secret = payload.client_secret;
    const sealed =
      typeof secret === 'string' && secret !== '' && !isHashedClientSecret(secret) && !secret.startsWith(SEALED)
        ? { ...payload, client_secret: SEALED + (await seal(this.#key, secret, id)) }
        : payload;
    await this.#inner.upsert(id, sealed, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const payload = (await this.#inner.find(id)) || undefined;
    const secret = payload?.client_secret;
    if (!payload || typeof secret !== 'string' || !secret.startsWith(SEALED)) return payload;
    try {
      return { ...payload, client_secret: await open(this.#key, secret.slice(SEALED.length), id) };
    } catch {
      // Tampered, copied from another client, or sealed under another KEY_ENCRYPTION_KEY: the
      // client cannot authenticate, and says so as a protocol error rather than a crash.
      throw new errors.InvalidClientAuth('the stored client secret cannot be opened');
    }
  }

  findByUid(uid: string) {
    return this.#inner.findByUid(uid);
  }
  findByUserCode(userCode: string) {
    return this.#inner.findByUserCode(userCode);
  }
  consume(id: string) {
    return this.#inner.consume(id);
  }
  destroy(id: string) {
    return this.#inner.destroy(id);
  }
  revokeByGrantId(grantId: string) {
    return this.#inner.revokeByGrantId(grantId);
  }
}

/** oidc-provider's adapter factory, with the Client store wrapped. */
export function sealingClientSecrets(factory: (name: string) => Adapter, key: Uint8Array): (name: string) => Adapter {
  return (name) => (name === 'Client' ? new SealedClientSecrets(factory(name), key) : factory(name));
}
