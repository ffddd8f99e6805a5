import { expect } from 'chai';
import * as oidc from 'openid-client';

import { oidcModel } from '../../adapters/mongodb.ts';
import { DynamicClientLifetime } from '../../provider/clients/dynamic-client-lifetime.ts';
import { dynamicClientUseModel } from '../../provider/clients/dynamic-client-use-model.ts';
import { LIMITED_USES_POLICY, limitInitialTokenUses } from '../../provider/clients/initial-token-uses.ts';
import { registrationGuard } from '../../provider/oidc/registration-guard.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { Browser } from '../helpers/browser.ts';
import { API, addApi, addUser, basicAuth } from '../helpers/fixtures.ts';
import { rawRequest } from '../helpers/raw-request.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const REDIRECT = 'http://127.0.0.1:4567/callback';

async function register(server: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const publicClient = (overrides: Record<string, unknown> = {}) => ({
  client_name: 'An MCP client',
  redirect_uris: [REDIRECT],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  ...overrides,
});

describe('dynamic client registration (RFC 7591, RFC 7592)', function () {
  this.timeout(30_000);
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((server) => server.stop())));
  async function start(env: Record<string, string>) {
    const server = await startTestServer('registration', env);
    servers.push(server);
    await addApi(server);
    return server;
  }

  describe('open registration, with the policy', () => {
    let server: TestServer;
    before(async () => {
      server = await start({ REGISTRATION: 'open', REGISTRATION_RESOURCES: API });
    });

    it('publishes RFC 8414 metadata identical to OpenID discovery, with the registration endpoint and S256', async () => {
      const oauth = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json();
      const openid = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json();
      expect(oauth).to.deep.equal(openid);
      expect(oauth).to.include({
        registration_endpoint: `${server.issuer}/reg`,
        authorization_response_iss_parameter_supported: true,
      });
      expect(oauth.code_challenge_methods_supported).to.deep.equal(['S256']);
    });

    it('registers a public client under the policy, which then signs a user in through the consent screen', async () => {
      const { status, body } = await register(server, publicClient());
      expect(status, JSON.stringify(body)).to.equal(201);
      expect(body).to.not.have.property('client_secret');
      expect(body.registration_access_token).to.be.a('string');
      const stored = (await oidcModel(server.connection, 'Client')
        .findById(body.client_id as string)
        .lean())!.payload as Record<string, unknown>;
      expect(stored).to.include({ dynamic_client: true, first_party: false, token_endpoint_auth_method: 'none' });
      expect(stored.allowed_resources).to.deep.equal([API]);
      expect(
        await auditModel(server.connection).countDocuments({
          event: 'client.registered',
          client: body.client_id as string,
        }),
      ).to.equal(1);

      const config = await oidc.discovery(new URL(server.issuer), body.client_id as string, undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'orders:read',
        resource: API,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'xyz',
      });
      const user = await addUser(server);
      const browser = new Browser(server.issuer);
      const login = await browser.open(url);
      const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
      expect(consent.html, 'a dynamic client never skips consent')
        .to.include('Allow access?')
        .and.include('An MCP client');
      const back = await browser.submit(consent, '/confirm');
      const tokens = await oidc.authorizationCodeGrant(config, back.leftTo!, {
        pkceCodeVerifier: verifier,
        expectedState: 'xyz',
      });
      expect(tokens.scope).to.equal('orders:read');
      expect(tokens.id_token, 'no openid scope, no ID token').to.equal(undefined);
      expect(tokens.refresh_token).to.be.a('string');
      // Its use is recorded (once a day at most), for the sweep of unused clients.
      let used: Date | undefined;
      for (let i = 0; i < 20 && !used; i += 1) {
        used = (
          await dynamicClientUseModel(server.connection)
            .findById(body.client_id as string)
            .lean()
        )?.lastUsedAt;
        if (!used) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(used).to.be.instanceOf(Date);
    });

    it('deletes self-registered clients unused for REGISTRATION_UNUSED_DAYS, and only those', async () => {
      const fresh = (await register(server, publicClient())).body.client_id as string;
      const stale = (await register(server, publicClient())).body.client_id as string;
      const Clients = oidcModel(server.connection, 'Client');
      await Clients.updateOne(
        { _id: stale },
        { $set: { 'payload.client_id_issued_at': Math.floor(Date.now() / 1000) - 40 * 86_400 } },
      );
      const staticClients = await Clients.countDocuments({ 'payload.dynamic_client': { $ne: true } });
      expect(await server.provider.Client.find(stale), 'now in the client cache').to.not.equal(undefined);
      const deleted = await new DynamicClientLifetime(server.connection, 30).sweep();
      expect(deleted).to.include(stale).and.not.include(fresh);
      expect(await Clients.countDocuments({ _id: stale })).to.equal(0);
      expect(await server.provider.Client.find(stale), 'dropped from the client cache at once').to.equal(undefined);
      expect(await Clients.countDocuments({ 'payload.dynamic_client': { $ne: true } })).to.equal(staticClients);
    });

    it('keeps a long-registered client in use when it updates its registration', async () => {
      const { body } = await register(server, publicClient());
      const id = body.client_id as string;
      const Clients = oidcModel(server.connection, 'Client');
      await Clients.updateOne(
        { _id: id },
        { $set: { 'payload.client_id_issued_at': Math.floor(Date.now() / 1000) - 40 * 86_400 } },
      );
      await new DynamicClientLifetime(server.connection, 30).used(id);
      const updated = await fetch(body.registration_client_uri as string, {
        method: 'PUT',
        headers: { authorization: `Bearer ${body.registration_access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...publicClient({ client_name: 'Renamed' }), client_id: id }),
      });
      expect(updated.status).to.equal(200);
      expect(await new DynamicClientLifetime(server.connection, 30).sweep()).not.to.include(id);
      expect(await Clients.countDocuments({ _id: id })).to.equal(1);
    });

    it('refuses what the policy forbids, each with an RFC 7591 error', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ['a wildcard redirect', { redirect_uris: ['https://*.example.com/cb'] }, 'invalid_redirect_uri'],
        ['http off loopback', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
        ['no redirect', { redirect_uris: [] }, 'invalid_redirect_uri'],
        ['the implicit grant', { response_types: ['token'], grant_types: ['implicit'] }, 'invalid_client_metadata'],
        ['client credentials', { grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
        ['a shared-key JWT', { token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata'],
        ['a key JWT without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
        ['a closed API', { allowed_resources: ['https://internal.example.test'] }, 'invalid_client_metadata'],
        ['first party', { first_party: true }, 'invalid_client_metadata'],
        ['token exchange', { token_exchange: { resources: [API] } }, 'invalid_client_metadata'],
      ];
      for (const [label, overrides, error] of cases) {
        const { status, body } = await register(server, publicClient(overrides));
        expect(status, label).to.equal(400);
        expect(body.error, `${label}: ${JSON.stringify(body)}`).to.equal(error);
      }
    });

    it('registers a confidential client whose secret authenticates it and is sealed at rest', async () => {
      const { status, body } = await register(
        server,
        publicClient({ token_endpoint_auth_method: 'client_secret_basic' }),
      );
      expect(status, JSON.stringify(body)).to.equal(201);
      const secret = body.client_secret as string;
      expect(secret).to.be.a('string').with.length.above(30);
      const record = await oidcModel(server.connection, 'Client').findById(body.client_id).lean();
      const stored = JSON.stringify(record);
      expect(stored, 'the database never holds the secret in clear').not.to.include(secret);
      expect((record?.payload as { client_secret?: string } | undefined)?.client_secret).to.match(/^sealed\$/);

      const revoke = (clientSecret: string) =>
        fetch(`${server.issuer}/token/revocation`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basicAuth({ clientId: body.client_id as string, clientSecret }),
          },
          body: new URLSearchParams({ token: 'not-a-token' }),
        });
      expect((await revoke(secret)).status).to.equal(200);
      const wrong = await revoke(`${secret}x`);
      expect(wrong.status).to.equal(401);
      expect(((await wrong.json()) as { error: string }).error).to.equal('invalid_client');

      // RFC 7592: reading gives the secret back; an update may carry it and must match it.
      const uri = body.registration_client_uri as string;
      const auth = (token: unknown) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
      const read = (await (await fetch(uri, { headers: auth(body.registration_access_token) })).json()) as Record<
        string,
        unknown
      >;
      expect(read.client_secret).to.equal(secret);
      const update = (clientSecret: string, token: unknown) =>
        fetch(uri, {
          method: 'PUT',
          headers: auth(token),
          body: JSON.stringify({
            ...publicClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Renamed' }),
            client_id: body.client_id,
            client_secret: clientSecret,
          }),
        });
      expect((await update('not-the-secret', read.registration_access_token)).status).to.equal(400);
      const updated = await update(secret, read.registration_access_token);
      expect(updated.status).to.equal(200);
      expect(((await updated.json()) as Record<string, unknown>).client_secret).to.equal(secret);
      expect((await revoke(secret)).status, 'the secret survives an update').to.equal(200);

      // A sealed secret copied onto another client record does not open there: a clear
      // invalid_client, not a crash.
      const Clients = oidcModel(server.connection, 'Client');
      const copy = (await Clients.findById(body.client_id).lean()) as { payload: Record<string, unknown> };
      await Clients.create({ _id: 'copied-record', payload: { ...copy.payload, client_id: 'copied-record' } });
      const copied = await fetch(`${server.issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth({ clientId: 'copied-record', clientSecret: secret }),
        },
        body: new URLSearchParams({ token: 'not-a-token' }),
      });
      const copiedBody = await copied.text();
      expect(copied.status, copiedBody).to.equal(401);
      expect(JSON.parse(copiedBody).error).to.equal('invalid_client');
    });

    it('names its registration URL on the issuer whatever Host the registering caller forges', async () => {
      const forged = await rawRequest(server.url, {
        method: 'POST',
        path: '/reg',
        host: 'evil.example',
        body: JSON.stringify(publicClient()),
      });
      expect(forged.status).to.equal(201);
      const body = JSON.parse(forged.body) as { client_id: string; registration_client_uri: string };
      expect(body.registration_client_uri).to.equal(`${server.issuer}/reg/${body.client_id}`);
    });

    it('lets the client read, update (under the same policy) and delete its registration', async () => {
      const { body } = await register(server, publicClient());
      const uri = body.registration_client_uri as string;
      const auth = (token: unknown) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
      const read = await fetch(uri, { headers: auth(body.registration_access_token) });
      expect(read.status).to.equal(200);
      const current = (await read.json()) as Record<string, unknown>;
      const bad = await fetch(uri, {
        method: 'PUT',
        headers: auth(current.registration_access_token),
        body: JSON.stringify({
          ...publicClient({ redirect_uris: ['http://evil.example/cb'] }),
          client_id: body.client_id,
        }),
      });
      expect(bad.status).to.equal(400);
      const removed = await fetch(uri, { method: 'DELETE', headers: auth(current.registration_access_token) });
      expect(removed.status).to.equal(204);
      expect(await oidcModel(server.connection, 'Client').countDocuments({ _id: body.client_id as string })).to.equal(
        0,
      );
    });
  });

  it('limits registrations per address and caps the number of dynamic clients', async () => {
    const limited = await start({ REGISTRATION: 'open', REGISTRATION_RESOURCES: API, REGISTRATION_PER_HOUR: '2' });
    expect((await register(limited, publicClient())).status).to.equal(201);
    expect((await register(limited, publicClient())).status).to.equal(201);
    const third = await register(limited, publicClient());
    expect(third.status).to.equal(429);

    const capped = await start({ REGISTRATION: 'open', REGISTRATION_RESOURCES: API, REGISTRATION_MAX_CLIENTS: '1' });
    expect((await register(capped, publicClient())).status).to.equal(201);
    const over = await register(capped, publicClient());
    expect(over.status).to.equal(403);
    expect(over.body.error).to.equal('access_denied');
  });

  it('never goes past the cap when many register at once (count-then-insert race)', async () => {
    // From many addresses (behind a trusted proxy), so the per-address limit is not what decides.
    const capped = await start({
      REGISTRATION: 'open',
      REGISTRATION_RESOURCES: API,
      REGISTRATION_MAX_CLIENTS: '2',
      TRUST_PROXY: '1',
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        register(capped, publicClient(), { 'x-forwarded-for': `203.0.113.${i + 1}` }),
      ),
    );
    const accepted = answers.filter((answer) => answer.status === 201);
    const stored = await oidcModel(capped.connection, 'Client').countDocuments({ 'payload.dynamic_client': true });
    expect(stored, `${accepted.length} accepted`).to.be.at.most(2);
    expect(accepted.length).to.equal(stored);
    // Every refusal is the cap's answer, and a refused client's credentials do not work.
    for (const answer of answers.filter((a) => a.status !== 201)) expect(answer.body.error).to.equal('access_denied');
    for (const answer of accepted) {
      const read = await fetch(String(answer.body.registration_client_uri), {
        headers: { authorization: `Bearer ${answer.body.registration_access_token}` },
      });
      expect(read.status).to.equal(200);
    }
  });

  it('holds the cap when registrations take their time between the check and the insert', async () => {
    // On real MongoDB the registration's own work lies between the guard's count and the insert;
    // here a registration that takes 50 ms does the insert, as oidc-provider would, then answers.
    const server = await start({ REGISTRATION: 'open', REGISTRATION_RESOURCES: API });
    const Clients = oidcModel(server.connection, 'Client');
    const guard = registrationGuard(server.connection, server.audit, { maxClients: 2, perHour: 100 });
    const attempt = async (i: number) => {
      const ctx = {
        method: 'POST',
        path: '/reg',
        ip: `198.51.100.${i}`,
        status: 404,
        body: undefined as unknown,
        state: {},
        oidc: { route: 'registration' },
        set: () => undefined,
      };
      await guard(ctx as never, async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await Clients.create({ _id: `raced-${i}`, payload: { client_id: `raced-${i}`, dynamic_client: true } });
        ctx.status = 201;
        ctx.body = { client_id: `raced-${i}`, registration_access_token: `rat-${i}` };
      });
      return ctx;
    };
    const answers = await Promise.all([1, 2, 3, 4, 5].map(attempt));
    const stored = await Clients.countDocuments({ 'payload.dynamic_client': true });
    expect(stored).to.be.at.most(2);
    expect(answers.filter((ctx) => ctx.status === 201)).to.have.length(stored);
    for (const ctx of answers.filter((answer) => answer.status !== 201)) {
      expect(ctx.status).to.equal(403);
      expect((ctx.body as { error: string }).error).to.equal('access_denied');
    }
  });

  it('with REGISTRATION=token asks for an initial access token; off by default', async () => {
    const guarded = await start({ REGISTRATION: 'token', REGISTRATION_RESOURCES: API });
    expect((await register(guarded, publicClient())).status).to.equal(401);
    const token = await new guarded.provider.InitialAccessToken({ expiresIn: 600 }).save();
    expect((await register(guarded, publicClient(), { authorization: `Bearer ${token}` })).status).to.equal(201);

    // A token for a number of registrations: each takes one, and then it is spent.
    const once = new guarded.provider.InitialAccessToken({ expiresIn: 600, policies: [LIMITED_USES_POLICY] });
    const limited = await once.save();
    await limitInitialTokenUses(guarded.connection, once.jti, 1, 600);
    const first = await register(guarded, publicClient(), { authorization: `Bearer ${limited}` });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const spent = await register(guarded, publicClient(), { authorization: `Bearer ${limited}` });
    expect(spent.status).to.equal(401);
    expect(spent.body.error).to.equal('invalid_token');

    const closed = await start({});
    expect(
      (
        await fetch(`${closed.issuer}/reg`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).to.equal(404);
    const metadata = await (await fetch(`${closed.issuer}/.well-known/oauth-authorization-server`)).json();
    expect(metadata).to.not.have.property('registration_endpoint');
  });
});
