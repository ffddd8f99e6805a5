import { expect } from 'chai';

import { deleteClient, rotateClientSecret, updateClient } from '../../provider/admin/clients/operations.ts';
import type { AdminDeps } from '../../provider/admin/admin-deps.ts';
import { API, addApi, addServiceClient, basicAuth, type TestClient } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 41);
/** CLIENT_CHANGE_SECONDS in this test: how late another instance may see a client change. */
const BOUND_SECONDS = 1;

/**
 * A client changed through one instance (deleted, disabled, its secret rotated) must take effect
 * on that instance at once and on every other instance within CLIENT_CHANGE_SECONDS, although
 * both cache client metadata for CLIENT_CACHE_TTL and /validate answers for VALIDATE_CACHE_SECONDS.
 */
describe('client changes across instances', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    const shared = {
      KEY_ENCRYPTION_KEY: KEK.toString('base64'),
      // Every instance holds the same MFA key too, or the second refuses to start.
      MFA_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      CLIENT_CACHE_TTL: '300',
      VALIDATE_CACHE_SECONDS: '300',
      CLIENT_CHANGE_SECONDS: String(BOUND_SECONDS),
    };
    a = await startTestServer('client-changes', shared);
    b = await startTestServer('client-changes', { ...shared, ISSUER: a.issuer, MONGODB_DATABASE: a.connection.name });
    await addApi(a);
  });
  after(async () => {
    await b?.close();
    await a?.stop();
  });

  const deps = (): AdminDeps => ({
    connection: a.connection,
    audit: a.audit,
    provider: () => a.provider,
    actor: { via: 'cli' },
    issuer: a.issuer,
    keys: { encryptionKey: KEK, retiredRetentionSeconds: 3600 },
  });

  async function token(server: TestServer, client: TestClient, secret = client.clientSecret) {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client, secret) },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'orders:read' }).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function validate(server: TestServer, jwt: string): Promise<number> {
    const response = await fetch(`${server.url}/validate?audience=${encodeURIComponent(API)}`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Polls until `done` holds, for at most the bound plus a second for the request itself. */
  async function within(seconds: number, done: () => Promise<boolean>): Promise<boolean> {
    const until = Date.now() + (seconds + 1) * 1000;
    for (;;) {
      if (await done()) return true;
      if (Date.now() > until) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A client both instances have cached, with a JWT each has validated (and cached). */
  async function warmClient(): Promise<{ client: TestClient; jwt: string }> {
    const client = await addServiceClient(a, { resource_scopes: { [API]: ['orders:read'] } });
    for (const server of [a, b]) expect((await token(server, client)).status).to.equal(200);
    const jwt = (await token(a, client)).body.access_token as string;
    for (const server of [a, b]) expect(await validate(server, jwt)).to.equal(200);
    return { client, jwt };
  }

  it('a deletion through A refuses the client on A at once, on B within the bound', async () => {
    const { client, jwt } = await warmClient();
    await deleteClient(deps(), client.clientId);
    const onA = await token(a, client);
    expect(onA.status).to.equal(401);
    expect(onA.body.error).to.equal('invalid_client');
    expect(await validate(a, jwt)).to.equal(401);
    expect(await within(BOUND_SECONDS, async () => (await token(b, client)).status === 401)).to.equal(true);
    expect(await within(BOUND_SECONDS, async () => (await validate(b, jwt)) === 401)).to.equal(true);
  });

  it('a client cut off through A (no API allowed any more) gets no token on A at once, on B within the bound', async () => {
    const { client } = await warmClient();
    await updateClient(deps(), client.clientId, { allowed_resources: [], resource_scopes: {} });
    expect((await token(a, client)).status).to.not.equal(200);
    expect(await within(BOUND_SECONDS, async () => (await token(b, client)).status !== 200)).to.equal(true);
  });

  it('a secret rotated through A stops the old secret on A at once, on B within the bound', async () => {
    const { client } = await warmClient();
    const fresh = await rotateClientSecret(deps(), client.clientId);
    expect((await token(a, client)).status).to.equal(401);
    expect((await token(a, client, fresh)).status).to.equal(200);
    expect(await within(BOUND_SECONDS, async () => (await token(b, client)).status === 401)).to.equal(true);
    expect((await token(b, client, fresh)).status).to.equal(200);
  });
});
