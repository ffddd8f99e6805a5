import { expect } from 'chai';

import { CONSOLE_CLIENT_ID } from '../../provider/admin/console/console-client.ts';
import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { principalAccessModel } from '../../provider/roles/principal-access-model.ts';

import { oidcModel } from '../../adapters/mongodb.ts';
import { ACCOUNT_CLIENT_ID } from '../../provider/self-service/account-client.ts';
import { accountModel } from '../../provider/accounts/account-model.ts';
import { DEMO_API, DEMO_EMAIL, DEMO_INTERNAL_API, seedDemo } from '../../provider/demo/seed-demo.ts';
import { resourceServerModel } from '../../provider/resources/resource-server-model.ts';
import { basicAuth } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

describe('demo seed', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer('demo-seed', { DEMO_SEED: '1' });
  });
  after(() => server.stop());

  it('creates the demo user, two web clients and a service client, with secrets shown once', () => {
    const demo = server.demo!;
    expect(demo.user.email).to.equal(DEMO_EMAIL);
    expect(demo.user.password).to.be.a('string').with.length.greaterThan(11);
    expect(demo.clients.map((c) => c.clientId)).to.deep.equal([
      'demo-web-1',
      'demo-web-2',
      'demo-spa',
      'demo-device',
      'demo-service',
      'demo-exchanger',
    ]);
    for (const client of demo.clients)
      expect(client.clientSecret, client.clientId).to.be.a(client.public ? 'undefined' : 'string');
  });

  it('stores only a hash of each client secret', async () => {
    const stored = await oidcModel(server.connection, 'Client').findById('demo-service').lean();
    const secret = server.demo!.clients.find((c) => c.clientId === 'demo-service')!.clientSecret!;
    expect(JSON.stringify(stored)).not.to.include(secret);
    expect((stored!.payload as { client_secret: string }).client_secret).to.match(/^sha256\$/);
  });

  it('creates nothing twice when run again, and cannot show old secrets again', async () => {
    const again = await seedDemo({
      connection: server.connection,
      audit: server.audit,
      provider: () => server.provider,
      actor: { via: 'config' },
      issuer: server.issuer,
      // the demo rotates no keys
      keys: { encryptionKey: new Uint8Array(32), retiredRetentionSeconds: 0 },
    });
    expect(again.user.password).to.equal(undefined);
    for (const client of again.clients) expect(client.clientSecret).to.equal(undefined);
    expect(await accountModel(server.connection).countDocuments({ email: DEMO_EMAIL })).to.equal(1);
    expect(
      await oidcModel(server.connection, 'Client').countDocuments({
        _id: { $nin: [ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID] },
      }),
    ).to.equal(6);
    expect(await resourceServerModel(server.connection).countDocuments({ _id: DEMO_API })).to.equal(1);
  });

  it('makes the demo user an administrator, so the console is there at once', async () => {
    const account = await accountModel(server.connection).findOne({ email: DEMO_EMAIL }).lean();
    const access = await principalAccessModel(server.connection).findById(`user:${account!._id}`).lean();
    expect(access?.roles.map((r) => `${r.resource} ${r.name}`)).to.include(`${adminApiIndicator(server.issuer)} admin`);
  });

  it('lets the demo exchanger narrow the demo service token for the internal API', async () => {
    const secret = (id: string) => server.demo!.clients.find((c) => c.clientId === id)!.clientSecret!;
    const post = async (client: string, body: Record<string, string>) =>
      (
        await fetch(`${server.issuer}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basicAuth({ clientId: client, clientSecret: secret(client) }),
          },
          body: new URLSearchParams(body).toString(),
        })
      ).json();
    const subject = await post('demo-service', { grant_type: 'client_credentials', scope: 'orders:read orders:write' });
    const exchanged = await post('demo-exchanger', {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subject.access_token,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: DEMO_INTERNAL_API,
    });
    expect(exchanged).to.include({
      scope: 'orders:read',
      token_type: 'Bearer',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
  });

  it('lets the demo service get a token for the demo API with the printed secret', async () => {
    const secret = server.demo!.clients.find((c) => c.clientId === 'demo-service')!.clientSecret!;
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth({ clientId: 'demo-service', clientSecret: secret }),
      },
      body: 'grant_type=client_credentials&scope=orders:read%20orders:write',
    });
    const body = await response.json();
    expect(response.status).to.equal(200);
    expect(body.scope).to.equal('orders:read orders:write');
  });
});
