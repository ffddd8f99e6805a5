import { expect } from 'chai';
import { errors } from 'oidc-provider';
import type { Connection } from 'mongoose';

import { TtlCache } from '../../provider/cache/ttl-cache.ts';
import { ensureAdapterIndexes, MongoAdapter, mongoAdapterFactory, oidcModel } from '../../adapters/mongodb.ts';
import { connectTestDatabase, uniqueDatabaseName } from '../helpers/database.ts';
import { dropTestDatabase } from '../helpers/drop-database.ts';

/** Counts the commands this connection's driver sends: each adapter method must be one. */
function commandCounter(connection: Connection): { count(): number; reset(): void } {
  let n = 0;
  connection.getClient().on('commandStarted', () => {
    n += 1;
  });
  return {
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

describe('MongoAdapter (oidc-provider storage)', () => {
  let connection: Connection;
  let commands: ReturnType<typeof commandCounter>;

  before(async () => {
    connection = await connectTestDatabase(uniqueDatabaseName('adapter'));
    await ensureAdapterIndexes(connection);
    commands = commandCounter(connection);
  });
  after(async () => {
    await dropTestDatabase(connection);
    await connection.close();
  });

  it('upserts, finds and replaces a record in one command each', async () => {
    const adapter = new MongoAdapter(connection, 'AccessToken');
    commands.reset();
    await adapter.upsert('at1', { jti: 'at1', kind: 'AccessToken', grantId: 'g1', scope: 'openid' }, 60);
    expect(commands.count()).to.equal(1);
    commands.reset();
    expect(await adapter.find('at1')).to.deep.include({ jti: 'at1', scope: 'openid', grantId: 'g1' });
    expect(commands.count()).to.equal(1);

    await adapter.upsert('at1', { jti: 'at1', kind: 'AccessToken', scope: 'openid email' }, 60);
    const replaced = await adapter.find('at1');
    expect(replaced).to.deep.equal({ jti: 'at1', kind: 'AccessToken', scope: 'openid email' });
  });

  it('returns nothing for an unknown id', async () => {
    expect(await new MongoAdapter(connection, 'AccessToken').find('nope')).to.equal(undefined);
  });

  it('never returns an expired record, even though no TTL reaper has run', async () => {
    const adapter = new MongoAdapter(connection, 'AuthorizationCode');
    await adapter.upsert('old', { jti: 'old', kind: 'AuthorizationCode', uid: 'u-old' }, 60);
    await oidcModel(connection, 'AuthorizationCode').updateOne(
      { _id: 'old' },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    expect(await adapter.find('old')).to.equal(undefined);
    expect(await adapter.findByUid('u-old')).to.equal(undefined);
    // The record is still stored: only the read refused it.
    expect(await oidcModel(connection, 'AuthorizationCode').countDocuments({ _id: 'old' })).to.equal(1);
  });

  it('keeps records without expiresIn (clients) forever', async () => {
    const adapter = new MongoAdapter(connection, 'Grant');
    await adapter.upsert('forever', { jti: 'forever', kind: 'Grant' });
    expect(await adapter.find('forever')).to.deep.include({ jti: 'forever' });
  });

  it('marks a record consumed with one command and reports it on find', async () => {
    const adapter = new MongoAdapter(connection, 'AuthorizationCode');
    await adapter.upsert('c1', { jti: 'c1', kind: 'AuthorizationCode' }, 60);
    commands.reset();
    await adapter.consume('c1');
    expect(commands.count()).to.equal(1);
    const found = await adapter.find('c1');
    expect(found!.consumed)
      .to.be.a('number')
      .and.be.closeTo(Date.now() / 1000, 5);
  });

  it("refuses a second consume, as reuse: invalid_grant, and the grant's records are revoked", async () => {
    const codes = new MongoAdapter(connection, 'AuthorizationCode');
    const tokens = new MongoAdapter(connection, 'AccessToken');
    await codes.upsert('c2', { jti: 'c2', kind: 'AuthorizationCode', grantId: 'g-race' }, 60);
    await tokens.upsert('t2', { jti: 't2', kind: 'AccessToken', grantId: 'g-race' }, 60);
    await codes.consume('c2');
    const second = await codes.consume('c2').then(
      () => undefined,
      (err: Error) => err,
    );
    expect(second).to.be.instanceOf(errors.InvalidGrant);
    expect(await tokens.find('t2')).to.equal(undefined);
  });

  it('finds sessions by uid and device codes by user code', async () => {
    const sessions = new MongoAdapter(connection, 'Session');
    await sessions.upsert('s1', { jti: 's1', kind: 'Session', uid: 'uid-1', accountId: 'a' }, 60);
    expect(await sessions.findByUid('uid-1')).to.deep.include({ jti: 's1', accountId: 'a' });
    expect(await sessions.findByUid('uid-2')).to.equal(undefined);

    const devices = new MongoAdapter(connection, 'DeviceCode');
    await devices.upsert('d1', { jti: 'd1', kind: 'DeviceCode', userCode: 'ABCD-EFGH' }, 60);
    expect(await devices.findByUserCode('ABCD-EFGH')).to.deep.include({ jti: 'd1' });
    expect(await devices.findByUserCode('XXXX-XXXX')).to.equal(undefined);
  });

  it('destroys one record', async () => {
    const adapter = new MongoAdapter(connection, 'RefreshToken');
    await adapter.upsert('r1', { jti: 'r1', kind: 'RefreshToken' }, 60);
    await adapter.destroy('r1');
    expect(await adapter.find('r1')).to.equal(undefined);
  });

  it('revokes every record of one grant, and only those, in one command', async () => {
    const adapter = new MongoAdapter(connection, 'RefreshToken');
    await adapter.upsert('g-a', { jti: 'g-a', kind: 'RefreshToken', grantId: 'grant-A' }, 60);
    await adapter.upsert('g-b', { jti: 'g-b', kind: 'RefreshToken', grantId: 'grant-A' }, 60);
    await adapter.upsert('g-c', { jti: 'g-c', kind: 'RefreshToken', grantId: 'grant-B' }, 60);
    commands.reset();
    await adapter.revokeByGrantId('grant-A');
    expect(commands.count()).to.equal(1);
    expect(await adapter.find('g-a')).to.equal(undefined);
    expect(await adapter.find('g-b')).to.equal(undefined);
    expect(await adapter.find('g-c')).to.deep.include({ grantId: 'grant-B' });
  });

  it('keeps one collection per model', async () => {
    await new MongoAdapter(connection, 'Interaction').upsert('same-id', { jti: 'same-id', kind: 'Interaction' }, 60);
    expect(await new MongoAdapter(connection, 'Session').find('same-id')).to.equal(undefined);
  });

  it('serves Client metadata from a short cache, dropped on change in this process', async () => {
    const factory = mongoAdapterFactory(connection, { clientCache: new TtlCache(), clientCacheTtl: 60 });
    const clients = factory('Client');
    await clients.upsert('client-1', { client_id: 'client-1', client_name: 'One' });
    expect(await clients.find('client-1')).to.deep.include({ client_name: 'One' });
    commands.reset();
    expect(await clients.find('client-1')).to.deep.include({ client_name: 'One' });
    expect(commands.count()).to.equal(0);

    await clients.upsert('client-1', { client_id: 'client-1', client_name: 'Renamed' });
    expect(await clients.find('client-1')).to.deep.include({ client_name: 'Renamed' });
    await clients.destroy('client-1');
    expect(await clients.find('client-1')).to.equal(undefined);
  });

  it('has an index for each lookup and a TTL index on expiresAt', async () => {
    const indexes = await oidcModel(connection, 'Session').collection.indexes();
    const byKey = (field: string) => indexes.find((index) => Object.keys(index.key).join() === field);
    expect(byKey('expiresAt')?.expireAfterSeconds).to.equal(0);
    expect(byKey('uid')).to.not.equal(undefined);
    expect(byKey('grantId')).to.not.equal(undefined);
    expect(byKey('userCode')).to.not.equal(undefined);
  });
});
