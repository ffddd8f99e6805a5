import { expect } from 'chai';
import { createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';

import { oidcModel } from '../../adapters/mongodb.ts';
import { resourceServerModel } from '../../provider/resources/resource-server-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import {
  ACCESS_TOKEN_TYPE,
  JWT_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
} from '../../provider/oidc/grants/token-exchange/token-types.ts';
import {
  API,
  addApi,
  basicAuth,
  addServiceClient,
  addUser,
  addWebClient,
  type TestClient,
  type TestUser,
} from '../helpers/fixtures.ts';
import { relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const ORDERS = 'https://orders-internal.test.example';
const WAREHOUSE = 'https://warehouse.test.example';
const PROFILE_API = 'https://profile-api.test.example';

describe('token exchange (RFC 8693)', () => {
  let server: TestServer;
  let user: TestUser;
  let web: TestClient;
  let exchanger: TestClient;
  let second: TestClient;
  let noDelegation: TestClient;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  before(async () => {
    server = await startTestServer('token-exchange');
    jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
    await addApi(server);
    await addApi(server, ORDERS, ['orders:read', 'orders:write']);
    await addApi(server, WAREHOUSE, ['orders:read', 'stock:read']);
    await addApi(server, PROFILE_API, ['email', 'profile']);
    user = await addUser(server);
    web = await addWebClient(server, { allowed_resources: [API] });
    exchanger = await addServiceClient(server, {
      grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
      allowed_resources: [ORDERS],
      token_exchange: {
        resources: [ORDERS, PROFILE_API],
        subject_audiences: [API, server.issuer],
        scopes: ['orders:read', 'orders:write', 'email'],
        actor: true,
      },
    });
    second = await addServiceClient(server, {
      grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
      allowed_resources: [WAREHOUSE],
      token_exchange: { resources: [WAREHOUSE], subject_audiences: [ORDERS], actor: true },
    });
    noDelegation = await addServiceClient(server, {
      grant_types: [TOKEN_EXCHANGE_GRANT],
      token_exchange: { resources: [ORDERS], subject_audiences: [API] },
    });
  });
  after(() => server.stop());

  async function userTokens(
    client = web,
    params: Record<string, string> = { scope: 'openid orders:read orders:write', resource: API },
  ) {
    return (await signInWithCode(server.issuer, client, user, params)).tokens;
  }

  async function serviceToken(client: TestClient): Promise<string> {
    const config = await relyingParty(server.issuer, client);
    return (await oidc.clientCredentialsGrant(config)).access_token;
  }

  async function exchange(client: TestClient, params: Record<string, string | string[]>) {
    const body = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT });
    for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) body.append(key, v);
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: body.toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const subjectParams = (token: string) => ({ subject_token: token, subject_token_type: ACCESS_TOKEN_TYPE });

  it('is listed in discovery', async () => {
    const config = await relyingParty(server.issuer, web);
    expect(config.serverMetadata().grant_types_supported).to.include(TOKEN_EXCHANGE_GRANT);
  });

  it('downscopes a user token to one scope for one resource, answering per RFC 8693 2.2', async () => {
    const { access_token: subject } = await userTokens();
    const { status, body } = await exchange(exchanger, {
      ...subjectParams(subject),
      scope: 'orders:read',
      resource: ORDERS,
    });
    expect(status).to.equal(200);
    expect(body).to.include({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', scope: 'orders:read' });
    expect(body.expires_in).to.be.a('number');
    expect(body).not.to.have.property('refresh_token');

    const { payload, protectedHeader } = await jwtVerify(body.access_token as string, jwks, {
      issuer: server.issuer,
      audience: ORDERS,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).to.equal('ES256');
    expect(payload).to.include({ sub: user.id, client_id: exchanger.clientId, scope: 'orders:read' });
    expect(payload.aud).to.equal(ORDERS);
    expect(payload).not.to.have.property('act');
  });

  it('changes the audience with the audience parameter and keeps every subject scope the target allows', async () => {
    const { access_token: subject } = await userTokens();
    const { status, body } = await exchange(exchanger, {
      ...subjectParams(subject),
      audience: ORDERS,
      requested_token_type: JWT_TOKEN_TYPE,
    });
    expect(status).to.equal(200);
    expect(body.scope).to.equal('orders:read orders:write');
    expect(decodeJwt(body.access_token as string).aud).to.equal(ORDERS);
  });

  it('exchanges an opaque user token as well', async () => {
    const { access_token: opaque } = await userTokens(web, { scope: 'openid email profile' });
    expect(opaque.split('.')).to.have.length(1);
    const { status, body } = await exchange(exchanger, {
      ...subjectParams(opaque),
      scope: 'email',
      resource: PROFILE_API,
    });
    expect(status).to.equal(200);
    expect(decodeJwt(body.access_token as string)).to.include({ sub: user.id, scope: 'email', aud: PROFILE_API });
  });

  it('refuses scopes the subject token does not hold, or the client may not have (invalid_scope)', async () => {
    const { access_token: subject } = await userTokens(web, { scope: 'openid orders:read', resource: API });
    for (const scope of ['orders:write', 'orders:read orders:write', 'stock:read', 'openid']) {
      const { status, body } = await exchange(exchanger, { ...subjectParams(subject), scope, resource: ORDERS });
      expect(status, scope).to.equal(400);
      expect(body.error, scope).to.equal('invalid_scope');
    }
  });

  it('refuses unknown, disallowed and multiple targets (invalid_target)', async () => {
    const { access_token: subject } = await userTokens();
    for (const target of [
      { resource: 'https://unknown.test.example' },
      { resource: API },
      { audience: WAREHOUSE },
      { resource: 'not a uri' },
      { resource: [ORDERS, PROFILE_API] },
      { resource: ORDERS, audience: PROFILE_API },
    ] as Record<string, string | string[]>[]) {
      const { status, body } = await exchange(exchanger, { ...subjectParams(subject), ...target });
      expect(status, JSON.stringify(target)).to.equal(400);
      expect(body.error, JSON.stringify(target)).to.equal('invalid_target');
    }
  });

  it('names the target it does not know (an API deleted after the client allowed it)', async () => {
    const gone = 'https://gone.test.example/api';
    await addApi(server, gone, ['orders:read']);
    const client = await addServiceClient(server, {
      grant_types: [TOKEN_EXCHANGE_GRANT],
      token_exchange: { resources: [gone], subject_audiences: [API] },
    });
    await resourceServerModel(server.connection).deleteOne({ _id: gone });
    const { access_token: subject } = await userTokens();
    const { status, body } = await exchange(client, { ...subjectParams(subject), resource: gone });
    expect(status).to.equal(400);
    expect(body).to.include({ error: 'invalid_target', error_description: `unknown resource: ${gone}` });
  });

  it('refuses clients without permission (unauthorized_client)', async () => {
    const { access_token: subject } = await userTokens();
    const plainService = await addServiceClient(server);
    const grantOnly = await addServiceClient(server, { grant_types: [TOKEN_EXCHANGE_GRANT] });
    for (const client of [plainService, grantOnly]) {
      const { status, body } = await exchange(client, { ...subjectParams(subject), resource: ORDERS });
      expect(status, client.clientId).to.equal(400);
      expect(body.error, client.clientId).to.equal('unauthorized_client');
    }
    const actor = await serviceToken(exchanger);
    const { body } = await exchange(noDelegation, {
      ...subjectParams(subject),
      resource: ORDERS,
      actor_token: actor,
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(body.error).to.equal('unauthorized_client');
  });

  it('refuses expired, revoked, forged, garbage and mistyped subject tokens with invalid_request', async () => {
    const tokens = await userTokens();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ scope: 'orders:read', client_id: web.clientId })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(server.issuer)
      .setSubject(user.id)
      .setAudience(API)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

    const { access_token: opaque } = await userTokens(web, { scope: 'openid email' });
    await oidcModel(server.connection, 'AccessToken').updateOne(
      { _id: opaque },
      { $set: { 'payload.exp': Math.floor(Date.now() / 1000) - 60 } },
    );

    const cases: [string, Record<string, string>][] = [
      ['forged', subjectParams(forged)],
      ['garbage', subjectParams('garbage')],
      ['expired', subjectParams(opaque)],
      [
        'jwt type for an opaque token',
        {
          subject_token: (await userTokens(web, { scope: 'openid email' })).access_token,
          subject_token_type: JWT_TOKEN_TYPE,
        },
      ],
      [
        'refresh token type',
        { subject_token: tokens.refresh_token!, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
      ],
      ['a refresh token as access token', subjectParams(tokens.refresh_token!)],
      ['an ID token as access token', subjectParams(tokens.id_token!)],
    ];
    for (const [label, params] of cases) {
      const { status, body } = await exchange(exchanger, { ...params, resource: ORDERS, scope: 'orders:read' });
      expect(status, label).to.equal(400);
      expect(body.error, label).to.equal('invalid_request');
    }

    await oidc.tokenRevocation(await relyingParty(server.issuer, web), tokens.refresh_token!);
    const revoked = await exchange(exchanger, { ...subjectParams(tokens.access_token), resource: ORDERS });
    expect(revoked.body.error).to.equal('invalid_request');
  });

  it('refuses missing parameters and unsupported token types with invalid_request', async () => {
    const { access_token: subject } = await userTokens();
    const cases: Record<string, string>[] = [
      { subject_token_type: ACCESS_TOKEN_TYPE, resource: ORDERS },
      { subject_token: subject, resource: ORDERS },
      {
        ...subjectParams(subject),
        resource: ORDERS,
        requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
      },
      {
        ...subjectParams(subject),
        resource: ORDERS,
        requested_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      },
      { ...subjectParams(subject), resource: ORDERS, actor_token: subject },
      { ...subjectParams(subject), resource: ORDERS, actor_token_type: ACCESS_TOKEN_TYPE },
      { ...subjectParams(subject), resource: ORDERS, actor_token: 'garbage', actor_token_type: ACCESS_TOKEN_TYPE },
    ];
    for (const params of cases) {
      const { status, body } = await exchange(exchanger, params);
      expect(status, JSON.stringify(Object.keys(params))).to.equal(400);
      expect(body.error, JSON.stringify(params).slice(0, 200)).to.equal('invalid_request');
    }
  });

  it('records the actor in act, and nests an earlier act two levels deep (RFC 8693 4.1)', async () => {
    const { access_token: subject } = await userTokens();
    const first = await exchange(exchanger, {
      ...subjectParams(subject),
      resource: ORDERS,
      scope: 'orders:read',
      actor_token: await serviceToken(exchanger),
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(first.status).to.equal(200);
    const hop1 = decodeJwt(first.body.access_token as string);
    expect(hop1.act).to.deep.equal({ sub: exchanger.clientId, client_id: exchanger.clientId });
    expect(hop1.sub).to.equal(user.id);

    const secondHop = await exchange(second, {
      ...subjectParams(first.body.access_token as string),
      audience: WAREHOUSE,
      actor_token: await serviceToken(second),
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(secondHop.status).to.equal(200);
    const { payload: hop2 } = await jwtVerify(secondHop.body.access_token as string, jwks, {
      issuer: server.issuer,
      audience: WAREHOUSE,
    });
    expect(hop2.sub).to.equal(user.id);
    expect(hop2.scope).to.equal('orders:read');
    expect(hop2.act).to.deep.equal({
      sub: second.clientId,
      client_id: second.clientId,
      act: { sub: exchanger.clientId, client_id: exchanger.clientId },
    });

    // Introspection shows the chain, the scope and the audience.
    const introspection = await oidc.tokenIntrospection(
      await relyingParty(server.issuer, second),
      secondHop.body.access_token as string,
    );
    expect(introspection).to.deep.include({
      active: true,
      scope: 'orders:read',
      aud: WAREHOUSE,
      act: hop2.act,
      sub: user.id,
    });
  });

  it('caps the lifetime by configuration and never outlives the subject token', async () => {
    const { access_token: subject } = await userTokens();
    const capped = await exchange(exchanger, { ...subjectParams(subject), resource: ORDERS });
    expect(capped.body.expires_in).to.equal(300); // TOKEN_EXCHANGE_MAX_TTL default, subject has 600
    const payload = decodeJwt(capped.body.access_token as string);
    expect(payload.exp! - payload.iat!).to.equal(300);

    const { access_token: opaque } = await userTokens(web, { scope: 'openid email' });
    const subjectExp = Math.floor(Date.now() / 1000) + 40;
    await oidcModel(server.connection, 'AccessToken').updateOne(
      { _id: opaque },
      { $set: { 'payload.exp': subjectExp } },
    );
    const short = await exchange(exchanger, { ...subjectParams(opaque), resource: PROFILE_API });
    expect(short.body.expires_in).to.be.at.most(40);
    expect(decodeJwt(short.body.access_token as string).exp).to.be.at.most(subjectExp);
  });

  it('makes exchanged tokens inactive when the original grant is revoked', async () => {
    const tokens = await userTokens();
    const { body } = await exchange(exchanger, {
      ...subjectParams(tokens.access_token),
      resource: ORDERS,
      scope: 'orders:read',
    });
    const introspector = await relyingParty(server.issuer, exchanger);
    expect((await oidc.tokenIntrospection(introspector, body.access_token as string)).active).to.equal(true);
    await oidc.tokenRevocation(await relyingParty(server.issuer, web), tokens.refresh_token!);
    expect(await oidc.tokenIntrospection(introspector, body.access_token as string)).to.deep.equal({ active: false });
  });

  it('enforces may_act stamped on the subject token', async () => {
    const guarded = await addWebClient(server, {
      allowed_resources: [API],
      may_act: { client_id: exchanger.clientId },
    });
    const { access_token: subject } = await userTokens(guarded);
    expect(decodeJwt(subject).may_act).to.deep.equal({ client_id: exchanger.clientId });

    const outsider = await addServiceClient(server, {
      grant_types: [TOKEN_EXCHANGE_GRANT],
      token_exchange: { resources: [ORDERS], subject_audiences: [API] },
    });
    const refused = await exchange(outsider, { ...subjectParams(subject), resource: ORDERS });
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.equal('invalid_request');

    const allowed = await exchange(exchanger, { ...subjectParams(subject), resource: ORDERS });
    expect(allowed.status).to.equal(200);
  });

  it('writes an audit event for every exchange: who, for whom, from which scopes to which', async () => {
    const { access_token: subject } = await userTokens();
    await exchange(exchanger, { ...subjectParams(subject), resource: ORDERS, scope: 'orders:read' });
    const [event] = await auditModel(server.connection)
      .find({ event: 'token_exchange' })
      .sort({ _id: -1 })
      .limit(1)
      .lean();
    expect(event).to.deep.include({ client: exchanger.clientId, account: user.id, outcome: 'success' });
    expect(event!.details).to.deep.include({
      subject: user.id,
      fromScopes: 'orders:read orders:write',
      toScopes: 'orders:read',
      audience: ORDERS,
    });
    expect(server.logs.join('\n')).not.to.include(subject);
  });
});
