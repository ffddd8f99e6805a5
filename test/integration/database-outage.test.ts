import { expect } from 'chai';

import { startEmbeddedMongo, type EmbeddedMongo } from '../../adapters/embedded-mongo.ts';
import { freePort } from '../../scripts/free-port.ts';
import { Browser } from '../helpers/browser.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import {
  API,
  CALLBACK,
  addApi,
  basicAuth,
  addServiceClient,
  addWebClient,
  type TestClient,
} from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * The database vanishes mid-traffic and comes back: the provider answers 503 meanwhile, stays
 * up, and recovers without a restart. Uses a database server of its own (it is stopped).
 */
describe('database outage and recovery', function () {
  this.timeout(60_000);
  let port: number;
  let database: EmbeddedMongo;
  let server: TestServer;

  before(async () => {
    port = await freePort();
    database = await startEmbeddedMongo({ port });
    // No client cache: every request below must really need the database.
    server = await startTestServer('outage', {
      MONGODB_URI: database.uri,
      DATABASE_TIMEOUT_MS: '500',
      CLIENT_CACHE_TTL: '0',
    });
  });
  after(async () => {
    await server.close();
    await database.stop();
  });

  async function clientCredentials(client: TestClient) {
    return fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(client),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: API }).toString(),
    });
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('did not recover');
  }

  it('answers 503 while the database is gone, stays alive, and recovers by itself', async () => {
    await addApi(server);
    const service = await addServiceClient(server);
    const web = await addWebClient(server);
    expect((await clientCredentials(service)).status).to.equal(200);
    expect((await fetch(`${server.issuer}/readyz`)).status).to.equal(200);
    const browser = new Browser(server.issuer);
    const config = await relyingParty(server.issuer, web);
    const loginPage = await browser.open((await authorizationRequest(config)).url);
    expect(loginPage.html).to.include('name="password"');

    await database.stop();

    expect((await fetch(`${server.issuer}/healthz`)).status, 'alive').to.equal(200);
    const ready = await fetch(`${server.issuer}/readyz`);
    expect(ready.status).to.equal(503);

    const token = await clientCredentials(service);
    expect(token.status).to.equal(503);
    expect(await token.json()).to.deep.include({ error: 'temporarily_unavailable' });

    const authorize = await fetch(
      `${server.issuer}/auth?${new URLSearchParams({
        client_id: web.clientId,
        redirect_uri: CALLBACK,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
      { headers: { accept: 'text/html' }, redirect: 'manual' },
    );
    expect(authorize.status).to.equal(503);
    expect(await authorize.text())
      .to.include('temporarily')
      .and.not.include('    at ');

    const screen = await browser.open(loginPage.url);
    expect(screen.status).to.equal(503);
    expect(screen.html).to.include('cannot reach its database').and.not.include('    at ');

    // Served from memory: discovery and keys do not need the database.
    expect((await fetch(`${server.issuer}/.well-known/openid-configuration`)).status).to.equal(200);
    expect((await fetch(`${server.issuer}/jwks`)).status).to.equal(200);

    database = await startEmbeddedMongo({ port });
    await until(async () => (await fetch(`${server.issuer}/readyz`)).status === 200);
    // The embedded server forgot everything; a real MongoDB would not. Recreate and go on.
    await addApi(server);
    const again = await addServiceClient(server);
    expect((await clientCredentials(again)).status).to.equal(200);
  });

  it('logs an outage once, not a line per background pass (mail, logouts, keys, client changes)', async () => {
    // Fast passes, so a few seconds of outage hold many of each.
    const quick = await startTestServer('outage-jobs', {
      MONGODB_URI: database.uri,
      DATABASE_TIMEOUT_MS: '300',
      KEY_RELOAD_SECONDS: '1',
      CLIENT_CHANGE_SECONDS: '1',
      MAIL_RETRY_SECONDS: '1',
    });
    try {
      const before = quick.logs.length;
      await database.stop();
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const during = quick.logs
        .slice(before)
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level >= 40);
      const messages = [...new Set(during.map((entry) => entry.msg))];
      expect(during.length, `warnings during the outage: ${messages.join(' | ')}`).to.be.at.most(3);
      // The outage is said once, by whichever pass met it first.
      expect(messages.filter((msg) => msg.startsWith('database unavailable'))).to.have.length(1);
      database = await startEmbeddedMongo({ port });
    } finally {
      await quick.close();
    }
  });
});
