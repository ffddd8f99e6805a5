import { expect } from 'chai';
import type { Connection } from 'mongoose';

import { reapExpired } from '../../provider/dev-data/reap-expired.ts';
import { ensureIndexes } from '../../provider/ensure-indexes.ts';
import { challengeModel } from '../../provider/passkeys/challenge-model.ts';
import { rateWindowModel } from '../../provider/security/rate-window-model.ts';
import { connectTestDatabase } from '../helpers/database.ts';
import { dropTestDatabase } from '../helpers/drop-database.ts';

/**
 * The embedded development database never reaps TTL indexes; the provider sweeps it instead, so
 * a demo left running neither slows down nor grows (real MongoDB does this by itself).
 */
describe('sweeping expired records from the embedded database', () => {
  let connection: Connection;
  before(async () => {
    connection = await connectTestDatabase('reap-expired');
    await ensureIndexes(connection);
  });
  after(async () => {
    await dropTestDatabase(connection);
  });

  it('deletes what a TTL index would have deleted, in every collection with one, and nothing else', async () => {
    const now = Date.now();
    await challengeModel(connection).insertMany([
      { _id: 'expired-challenge-000000', purpose: 'sign-in', subject: 's', expiresAt: new Date(now - 1000) },
      { _id: 'live-challenge-0000000000', purpose: 'sign-in', subject: 's', expiresAt: new Date(now + 60_000) },
    ]);
    await rateWindowModel(connection).insertMany([
      { _id: 'old|1', count: 1, expiresAt: new Date(now - 5000) },
      { _id: 'new|1', count: 1, expiresAt: new Date(now + 5000) },
    ]);
    // An oidc-provider record (the adapter's own TTL index) as well.
    const sessions = connection.db!.collection('oidc_Session');
    await sessions.insertMany([
      { _id: 'gone' as never, payload: {}, expiresAt: new Date(now - 1) },
      { _id: 'kept' as never, payload: {}, expiresAt: new Date(now + 60_000) },
    ]);

    const removed = await reapExpired(connection, now);
    expect(removed).to.be.at.least(3);
    expect((await challengeModel(connection).find({}).lean()).map((c) => c._id)).to.deep.equal([
      'live-challenge-0000000000',
    ]);
    expect((await rateWindowModel(connection).find({}).lean()).map((r) => r._id)).to.deep.equal(['new|1']);
    expect((await sessions.find({}).toArray()).map((s) => s._id)).to.deep.equal(['kept']);
    expect(await reapExpired(connection, now)).to.equal(0);
  });
});
