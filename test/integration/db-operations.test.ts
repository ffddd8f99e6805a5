import { expect } from 'chai';

import { grantRole, saveRole } from '../../provider/roles/manage-roles.ts';
import { Browser } from '../helpers/browser.ts';
import { type CommandCount, countCommands } from '../helpers/count-commands.ts';
import {
  API,
  CALLBACK,
  addApi,
  basicAuth,
  addServiceClient,
  addUser,
  addWebClient,
  type TestClient,
  type TestUser,
} from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Database round trips per request, pinned. The embedded development database is no place to
 * time anything, so cost is counted instead: a change that adds a round trip fails here and has
 * to update the number on purpose (and docs/BENCHMARKS.md with it).
 */
describe('database operations per request (pinned)', () => {
  let server: TestServer;
  let service: TestClient;
  let web: TestClient;
  let firstParty: TestClient;
  let user: TestUser;

  before(async () => {
    // Cached clients and APIs stay cached however slowly a loaded machine runs the flows.
    server = await startTestServer('db-ops', { CLIENT_CACHE_TTL: '3600' });
    await addApi(server);
    service = await addServiceClient(server);
    web = await addWebClient(server, { first_party: false });
    firstParty = await addWebClient(server, { first_party: true });
    user = await addUser(server);
  });
  after(() => server.stop());

  const post = (path: string, client: TestClient, body: Record<string, string>) =>
    fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams(body).toString(),
    }).then((r) => r.json() as Promise<Record<string, string>>);
  const serviceToken = () => post('/token', service, { grant_type: 'client_credentials', resource: API });
  const count = (work: () => Promise<unknown>) => countCommands(server.connection, work);

  /** One full browser sign-in: authorize → login (argon2) → consent (unless first-party) → code → token. */
  async function signInFlow(client = web, params: Record<string, string> = {}): Promise<Record<string, string>> {
    const browser = new Browser(server.issuer);
    const config = await relyingParty(server.issuer, client);
    const request = await authorizationRequest(config, {
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      ...params,
    });
    let page = await browser.open(request.url);
    page = await browser.submit(page, '/login', { email: user.email, password: user.password });
    if (page.html.includes('/confirm"')) page = await browser.submit(page, '/confirm');
    const code = page.leftTo!.searchParams.get('code')!;
    return post('/token', client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
  }

  it("counts a request's own operations, not the queue polls that run meanwhile", async () => {
    // The back-channel logout queue polls every 2 s from a timer of its own; wait inside the
    // measurement until one poll has been sent.
    const client = server.connection.getClient();
    let polled = false;
    const onCommand = (event: { commandName: string; command: Record<string, unknown> }) => {
      if (event.commandName === 'find' && event.command.find === 'logout_deliveries') polled = true;
    };
    client.on('commandStarted', onCommand);
    try {
      const measured = await count(async () => {
        await fetch(`${server.issuer}/jwks`).then((r) => r.text());
        while (!polled) await new Promise((resolve) => setTimeout(resolve, 50));
      });
      expect(measured, measured.log.join(', ')).to.include({ reads: 0, writes: 0 });
    } finally {
      client.off('commandStarted', onCommand);
    }
  });

  it('serves discovery and JWKS from memory: 0 operations', async () => {
    expect(
      await count(() => fetch(`${server.issuer}/.well-known/openid-configuration`).then((r) => r.text())),
    ).to.include({ reads: 0, writes: 0 });
    expect(await count(() => fetch(`${server.issuer}/jwks`).then((r) => r.text()))).to.include({ reads: 0, writes: 0 });
  });

  it('issues client-credentials JWTs with 0 operations once the client and API are cached (2 reads when not)', async () => {
    const cold = await count(serviceToken);
    expect(cold, cold.log.join(', ')).to.include({ reads: 2, writes: 0 });
    const warm = await count(serviceToken);
    expect(warm, warm.log.join(', ')).to.include({ reads: 0, writes: 0 });
  });

  it('reads who holds which roles once more (cached like clients) only at an API that has roles', async () => {
    const withRoles = 'https://roles.test.example';
    await addApi(server, withRoles, ['things.read']);
    await saveRole(server.connection, { resource: withRoles, name: 'reader', scopes: ['things.read'] });
    const roleHolder = await addServiceClient(server, { allowed_resources: [withRoles] });
    await grantRole(server.connection, { kind: 'client', subject: roleHolder.clientId }, withRoles, 'reader');
    const token = () => post('/token', roleHolder, { grant_type: 'client_credentials', resource: withRoles });
    const cold = await count(token);
    // the client, the API, and the service's worked-out roles (principal_access)
    expect(cold, cold.log.join(', ')).to.include({ reads: 3, writes: 0 });
    const warm = await count(token);
    expect(warm, warm.log.join(', ')).to.include({ reads: 0, writes: 0 });
  });

  it('validates a service JWT with 0 operations', async () => {
    const { access_token: token } = await serviceToken();
    expect(
      await count(() =>
        fetch(`${server.issuer}/validate?audience=${encodeURIComponent(API)}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    ).to.include({ reads: 0, writes: 0 });
  });

  it('introspects a JWT with 0 operations and an opaque token with 5 reads', async () => {
    await post('/token/introspection', web, { token: 'warm-the-client-cache' });
    const { access_token: jwt } = await serviceToken();
    // Its own token, so the count is of an active answer (another client is told inactive).
    const jwtCount = await count(() => post('/token/introspection', service, { token: jwt }));
    expect(jwtCount, jwtCount.log.join(', ')).to.include({ reads: 0, writes: 0 });

    const tokens = await signInFlow();
    const opaque = await count(() => post('/token/introspection', web, { token: tokens.access_token! }));
    // Without a hint oidc-provider looks in AccessToken, ClientCredentials and RefreshToken (in
    // parallel), then checks the session the token is bound to and its grant.
    expect(opaque, opaque.log.join(', ')).to.include({ reads: 5, writes: 0 });
  });

  it('rotates a refresh token with 4 reads and 3 writes', async () => {
    const tokens = await signInFlow();
    const refresh = await count(() =>
      post('/token', web, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
    );
    // reads: the token, its session, its grant, the account; writes: consume, new refresh token, access token
    expect(refresh, refresh.log.join(', ')).to.include({ reads: 4, writes: 3 });
  });

  /**
   * Reads a flow makes per request. The list of upstream sign-ins is read again at most every
   * 5 s (IDP_CACHE_MS) whatever the traffic, and a cached client again after the change poll
   * (CLIENT_CHANGE_SECONDS) drops it, so the clock, not the flow, decides whether a flow includes
   * those reads (a flow counted 15 or 16, 28 or 29 by that alone).
   */
  const CLOCK_READS = new Set(['find identity_providers', 'find oidc_Client']);
  const readsPerRequest = (flow: CommandCount) => flow.reads - flow.log.filter((line) => CLOCK_READS.has(line)).length;

  async function freshSignIn(client: TestClient, params: Record<string, string> = {}) {
    user = await addUser(server);
    return count(() => signInFlow(client, params));
  }

  it('signs a user in to a first-party app with 12 writes (Keycloak budgets 14), audit records included', async () => {
    await freshSignIn(firstParty); // warms the client and resource caches
    const flow = await freshSignIn(firstParty, { scope: 'openid orders:read', resource: API });
    // writes: interaction, throttle reservation (both counters, one insert) and its release,
    // login result, interaction done, grant, code, session, code consumed, refresh token, audit,
    // the browser recorded as a known device (the access token is a JWT: not stored)
    expect(flow.writes, flow.log.join('\n')).to.equal(12);
    // reads include whether the account has a passkey (a second factor), each time the prompts are
    // checked, and, for a browser the account did not know, whether it knew any other
    expect(readsPerRequest(flow), flow.log.join('\n')).to.equal(15);
  });

  it('signs a user in with a consent screen with 18 writes', async () => {
    const flow = await freshSignIn(web, { scope: 'openid orders:read', resource: API });
    expect(flow.writes, flow.log.join('\n')).to.equal(18);
    expect(readsPerRequest(flow), flow.log.join('\n')).to.equal(28);
  });
});
