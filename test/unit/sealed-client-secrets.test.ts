import { randomBytes } from 'node:crypto';

import { expect } from 'chai';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';

import { hashClientSecret } from '../../provider/clients/client-secret.ts';
import { SealedClientSecrets } from '../../provider/clients/sealed-client-secrets.ts';

/** The records the wrapped store was given, as the database would hold them. */
class RecordingStore implements Adapter {
  readonly records = new Map<string, AdapterPayload>();
  async upsert(id: string, payload: AdapterPayload) {
    this.records.set(id, payload);
  }
  async find(id: string) {
    return this.records.get(id);
  }
  async findByUid() {
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume() {}
  async destroy(id: string) {
    this.records.delete(id);
  }
  async revokeByGrantId() {}
}

describe('sealed client secrets', () => {
  const key = randomBytes(32);

  it('stores a self-registered client secret sealed and hands it back clear', async () => {
    const store = new RecordingStore();
    const clients = new SealedClientSecrets(store, key);
    await clients.upsert('agent', { client_id: 'agent', client_secret: 'the-secret' }, 0);
    const stored = store.records.get('agent')?.client_secret as string;
    expect(stored)
      .to.match(/^sealed\$/)
      .and.not.include('the-secret');
    expect((await clients.find('agent'))?.client_secret).to.equal('the-secret');
    // Storing what was read (an RFC 7592 update) seals it again rather than storing it clear.
    await clients.upsert('agent', (await clients.find('agent')) as AdapterPayload, 0);
    expect(store.records.get('agent')?.client_secret).to.match(/^sealed\$/);
  });

  it('passes hashes and public clients through, and opens a secret only for its own client', async () => {
    const store = new RecordingStore();
    const clients = new SealedClientSecrets(store, key);
    const hash = hashClientSecret('operator-secret');
    await clients.upsert('service', { client_id: 'service', client_secret: hash }, 0);
    await clients.upsert('public', { client_id: 'public' }, 0);
    expect(store.records.get('service')?.client_secret).to.equal(hash);
    expect(await clients.find('public')).to.deep.equal({ client_id: 'public' });

    await clients.upsert('agent', { client_id: 'agent', client_secret: 'the-secret' }, 0);
    store.records.set('thief', { client_id: 'thief', client_secret: store.records.get('agent')?.client_secret });
    let error: unknown;
    await clients.find('thief').catch((caught: unknown) => {
      error = caught;
    });
    expect(error, 'a sealed secret copied onto another client does not open').to.be.instanceOf(
      errors.InvalidClientAuth,
    );
  });
});
