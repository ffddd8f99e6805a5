import { expect } from 'chai';

import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { grantRole } from '../../provider/roles/manage-roles.ts';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../adapters/embedded-mongo.ts';
import { Browser, parseForms } from '../helpers/browser.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { API, addApi, addServiceClient, addWebClient, basicAuth } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const TIMEOUT_MS = 1000;
const METRICS = 'stall-metrics-token-0123456789abcdef';
/**
 * Generous: the bound is the configured timeout, the rest is room for a loaded machine (a clean
 * clone beside other work took 5.2 s); the fault it guards against held requests for 30 s or more.
 */
const BOUND_MS = 15 * TIMEOUT_MS;

/**
 * A hung database (SIGSTOP: how a stuck primary or a network black hole behaves, unlike a
 * refused connection) must not hold requests: every request that needs it answers 503 with
 * Retry-After within the DATABASE_TIMEOUT_MS bound; the outage is logged once, not per request.
 */
describe('a stalled database (paused process)', function () {
  this.timeout(120_000);
  let database: EmbeddedMongo;
  let server: TestServer;
  let paused = false;

  before(async () => {
    database = await startEmbeddedMongo();
    server = await startTestServer('stall', {
      MONGODB_URI: database.uri,
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
      CLIENT_CACHE_TTL: '0',
      METRICS_TOKEN: METRICS,
    });
  });
  after(async () => {
    if (paused) process.kill(database.pid, 'SIGCONT');
    await server.close();
    await database.stop();
  });

  /** The answer, and whether it came within the bound (measured, not asserted as a speed). */
  async function timed(send: () => Promise<Response>) {
    const started = performance.now();
    const response = await send();
    await response.arrayBuffer();
    return { response, elapsed: performance.now() - started };
  }

  it('answers 503 with Retry-After within the bound, and logs the outage once', async () => {
    await addApi(server);
    const indicator = adminApiIndicator(server.issuer);
    const service = await addServiceClient(server, { allowed_resources: [API, indicator] });
    await grantRole(server.connection, { kind: 'client', subject: service.clientId }, indicator, 'admin');
    const web = await addWebClient(server);
    const tokenBody = (resource: string, scope?: string) =>
      new URLSearchParams({ grant_type: 'client_credentials', resource, ...(scope ? { scope } : {}) }).toString();
    const tokenInit = (resource: string, scope?: string): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(service) },
      body: tokenBody(resource, scope),
    });
    const admin = (await (
      await fetch(`${server.issuer}/token`, tokenInit(indicator, 'admin:clients:read'))
    ).json()) as { access_token: string };
    expect(admin.access_token).to.be.a('string');
    const browser = new Browser(server.issuer);
    const config = await relyingParty(server.issuer, web);
    const loginPage = await browser.open((await authorizationRequest(config)).url);
    expect(loginPage.html).to.include('name="password"');
    const loginForm = parseForms(loginPage.html).find((form) => 'password' in form.fields)!;
    const signal = () => AbortSignal.timeout(60_000);
    const plain =
      (url: string, init: RequestInit = {}) =>
      () =>
        fetch(url, { ...init, signal: signal() });

    process.kill(database.pid, 'SIGSTOP');
    paused = true;
    const before = server.logs.length;

    const requests: Array<[string, () => Promise<Response>]> = [
      ['readyz', plain(`${server.issuer}/readyz`)],
      ['token', plain(`${server.issuer}/token`, tokenInit(API))],
      [
        'admin API read',
        plain(`${server.issuer}/admin/api/v1/clients`, { headers: { authorization: `Bearer ${admin.access_token}` } }),
      ],
      ['sign-in page', () => browser.fetch(loginPage.url, { signal: signal() })],
      [
        'sign-in POST',
        () =>
          browser.fetch(new URL(loginForm.action, loginPage.url), {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ ...loginForm.fields, login: 'someone', password: 'secret' }).toString(),
            signal: signal(),
          }),
      ],
      ['token again', plain(`${server.issuer}/token`, tokenInit(API))],
    ];
    for (const [what, send] of requests) {
      const { response, elapsed } = await timed(send);
      expect(response.status, what).to.equal(503);
      if (what !== 'readyz') expect(response.headers.get('retry-after'), `${what}: Retry-After`).to.match(/^\d+$/);
      expect(elapsed, `${what}: answered within ${BOUND_MS} ms`).to.be.below(BOUND_MS);
    }

    // One line when the outage starts; no request logs a stack or the driver's topology.
    const during = server.logs.slice(before);
    const started = during.filter((line) => line.includes('database unavailable: answering 503'));
    expect(started, during.join('\n')).to.have.length(1);
    const perRequest = during.filter((line) => line.includes('"requestId"') && /database|Mongo/i.test(line));
    expect(perRequest, perRequest.join('\n')).to.deep.equal([]);
    const metrics = await (
      await fetch(`${server.issuer}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })
    ).text();
    const counted = [...metrics.matchAll(/^meshid_database_unavailable_total\{[^}]*\} (\d+)/gm)];
    expect(
      counted.reduce((sum, [, n]) => sum + Number(n), 0),
      metrics,
    ).to.be.at.least(requests.length - 1);

    process.kill(database.pid, 'SIGCONT');
    paused = false;
    for (let i = 0; i < 100 && (await fetch(`${server.issuer}/readyz`)).status !== 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await fetch(`${server.issuer}/token`, tokenInit(API))).status).to.equal(200);
    // And one when it ends.
    const after = server.logs.slice(before);
    expect(after.filter((line) => line.includes('outage over'))).to.have.length(1);
  });
});
