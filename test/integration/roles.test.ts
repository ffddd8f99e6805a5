import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';

import { setResourceAccess } from '../../provider/resources/resource-server-directory.ts';
import { MAX_GROUPS_CLAIM } from '../../provider/roles/access-rules.ts';
import { addGroup, addMember, removeMember } from '../../provider/roles/manage-groups.ts';
import { grantRole, saveRole } from '../../provider/roles/manage-roles.ts';
import { principalAccessModel } from '../../provider/roles/principal-access-model.ts';
import { roleAssignmentModel } from '../../provider/roles/role-assignment-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../provider/oidc/grants/token-exchange/token-types.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import {
  addApi,
  addServiceClient,
  addUser,
  addWebClient,
  basicAuth,
  type TestClient,
  type TestUser,
} from '../helpers/fixtures.ts';
import { relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const ORDERS = 'https://orders.test.example';
const BILLING = 'https://billing.test.example';
const INTERNAL = 'https://internal-orders.test.example';
const KEK = Buffer.alloc(32, 31).toString('base64');

describe('roles and groups in tokens', function () {
  this.timeout(60_000);
  let server: TestServer;
  let web: TestClient;

  before(async () => {
    // No caching of who holds what, so each change shows at the very next token.
    server = await startTestServer('roles', { CLIENT_CACHE_TTL: '0', KEY_ENCRYPTION_KEY: KEK });
    await addApi(server, ORDERS, ['orders.read', 'orders.admin']);
    await addApi(server, BILLING, ['billing.read']);
    // An internal API that understands the same scope names, so that tokens can be exchanged into it.
    await addApi(server, INTERNAL, ['orders.read', 'orders.admin']);
    await setResourceAccess(server.connection, ORDERS, { scopeAccess: 'roles' });
    await setResourceAccess(server.connection, INTERNAL, { scopeAccess: 'roles' });
    await saveRole(server.connection, { resource: ORDERS, name: 'viewer', scopes: ['orders.read'] });
    await saveRole(server.connection, { resource: ORDERS, name: 'admin', scopes: ['orders.read', 'orders.admin'] });
    await saveRole(server.connection, { resource: BILLING, name: 'clerk', scopes: ['billing.read'] });
    await saveRole(server.connection, { resource: INTERNAL, name: 'reader', scopes: ['orders.read'] });
    await saveRole(server.connection, {
      resource: INTERNAL,
      name: 'operator',
      scopes: ['orders.read', 'orders.admin'],
    });
    await addGroup(server.connection, { name: 'ops' });
    await addGroup(server.connection, { name: 'ops-eu', parent: 'ops' });
    await grantRole(server.connection, { kind: 'group', subject: 'ops' }, ORDERS, 'admin');
    web = await addWebClient(server, { allowed_resources: [ORDERS, BILLING] });
  });
  after(() => server.stop());

  const signIn = (user: TestUser, resource: string, scope: string) =>
    signInWithCode(server.issuer, web, user, { scope: `openid offline_access ${scope}`, resource });

  async function refresh(refreshToken: string, resource: string) {
    const config = await relyingParty(server.issuer, web);
    return oidc.refreshTokenGrant(config, refreshToken, { resource });
  }

  it("gives a group member the group's role-gated scope and roles claim for that API, and not for another", async () => {
    const member = await addUser(server);
    await addMember(server.connection, 'ops', member.id);
    const { tokens } = await signIn(member, ORDERS, 'orders.read orders.admin');
    const claims = decodeJwt(tokens.access_token);
    expect(claims.aud).to.equal(ORDERS);
    expect(String(claims.scope).split(' ')).to.include.members(['orders.read', 'orders.admin']);
    expect(claims.roles).to.deep.equal(['admin']);

    const billing = decodeJwt((await signIn(member, BILLING, 'billing.read')).tokens.access_token);
    expect(billing.aud).to.equal(BILLING);
    expect(billing.scope).to.equal('billing.read'); // an open API: as before
    expect(billing.roles).to.equal(undefined);
  });

  it('drops a scope the roles do not grant at consent, and takes scope and role away at the next token', async () => {
    const outsider = await addUser(server);
    const outside = decodeJwt((await signIn(outsider, ORDERS, 'orders.read orders.admin')).tokens.access_token);
    expect(outside.scope ?? '').to.not.include('orders.admin');
    expect(outside.roles).to.equal(undefined);

    const leaver = await addUser(server);
    await addMember(server.connection, 'ops', leaver.id);
    const { tokens } = await signIn(leaver, ORDERS, 'orders.read orders.admin');
    expect(decodeJwt(tokens.access_token).roles).to.deep.equal(['admin']);
    await removeMember(server.connection, 'ops', leaver.id);
    const next = await refresh(tokens.refresh_token!, ORDERS);
    const after = decodeJwt(next.access_token);
    expect(after.scope ?? '').to.not.include('orders.admin');
    expect(after.roles).to.equal(undefined);
  });

  it("gives members of a nested group the parent's roles too", async () => {
    const nested = await addUser(server);
    await addMember(server.connection, 'ops-eu', nested.id);
    const claims = decodeJwt((await signIn(nested, ORDERS, 'orders.admin')).tokens.access_token);
    expect(claims.roles).to.deep.equal(['admin']);
    expect(claims.scope).to.equal('orders.admin');
    await addGroup(server.connection, { name: 'ops-eu-north', parent: 'ops-eu' }).then(
      () => expect.fail('a third level was accepted'),
      (err: Error) => expect(err.message).to.include('one level'),
    );
  });

  it("drives a service client's client-credentials scopes by its roles", async () => {
    const service = await addServiceClient(server, { allowed_resources: [ORDERS] });
    const ask = (scope: string) =>
      fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(service) },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: ORDERS, scope }).toString(),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    const none = await ask('orders.read');
    expect(none.status).to.equal(400);
    expect(none.body.error).to.equal('invalid_scope');

    await grantRole(server.connection, { kind: 'client', subject: service.clientId }, ORDERS, 'viewer');
    const viewer = await ask('orders.read orders.admin');
    expect(viewer.status).to.equal(200);
    const claims = decodeJwt(viewer.body.access_token!);
    expect(claims.scope).to.equal('orders.read');
    expect(claims.roles).to.deep.equal(['viewer']);
  });

  it("never widens roles in a token exchange: the subject's at the target, whatever the exchanger holds", async () => {
    const exchanger = await addServiceClient(server, {
      grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
      allowed_resources: [INTERNAL],
      token_exchange: { resources: [INTERNAL], subject_audiences: [ORDERS] },
    });
    // The exchanging service itself may do everything at the target.
    await grantRole(server.connection, { kind: 'client', subject: exchanger.clientId }, INTERNAL, 'operator');
    // The user is an admin at ORDERS (through ops) but only a reader at INTERNAL.
    const user = await addUser(server);
    await addMember(server.connection, 'ops', user.id);
    await grantRole(server.connection, { kind: 'user', subject: user.id }, INTERNAL, 'reader');
    const subject = (await signIn(user, ORDERS, 'orders.read orders.admin')).tokens.access_token;
    expect(String(decodeJwt(subject).scope).split(' ')).to.include('orders.admin');
    const exchange = (scope?: string) =>
      fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(exchanger) },
        body: new URLSearchParams({
          grant_type: TOKEN_EXCHANGE_GRANT,
          subject_token: subject,
          subject_token_type: ACCESS_TOKEN_TYPE,
          resource: INTERNAL,
          ...(scope ? { scope } : {}),
        }).toString(),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    const widened = await exchange('orders.admin');
    expect(widened.status).to.equal(400);
    expect(widened.body.error).to.equal('invalid_scope');
    const narrowed = await exchange();
    expect(narrowed.status, JSON.stringify(narrowed.body)).to.equal(200);
    const claims = decodeJwt(narrowed.body.access_token!);
    expect(claims.aud).to.equal(INTERNAL);
    expect(claims.scope).to.equal('orders.read');
    expect(claims.roles).to.deep.equal(['reader']);
  });

  it('/validate returns the roles and ?role= passes and refuses as it should', async () => {
    const service = await addServiceClient(server, { allowed_resources: [ORDERS] });
    await grantRole(server.connection, { kind: 'client', subject: service.clientId }, ORDERS, 'viewer');
    const config = await relyingParty(server.issuer, service);
    const token = (await oidc.clientCredentialsGrant(config, { resource: ORDERS })).access_token;
    const validate = (query: string) =>
      fetch(`${server.issuer}/validate?audience=${encodeURIComponent(ORDERS)}${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const plain = await validate('');
    expect(plain.status).to.equal(200);
    expect(plain.headers.get('x-auth-roles')).to.equal('viewer');
    expect(((await plain.json()) as { roles: string[] }).roles).to.deep.equal(['viewer']);
    expect((await validate('&role=viewer')).status).to.equal(200);
    expect((await validate('&role=admin&role=viewer')).status).to.equal(200);
    const refused = await validate('&role=admin');
    expect(refused.status).to.equal(403);
    expect(refused.headers.get('www-authenticate')).to.include('a required role is missing');

    const introspected = await fetch(`${server.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(service) },
      body: new URLSearchParams({ token }).toString(),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(introspected.active).to.equal(true);
    expect(introspected.roles).to.deep.equal(['viewer']);
  });

  it('keeps the groups claim bounded for a user in 500 groups', async () => {
    const busy = await addUser(server);
    for (let i = 0; i < 500; i += 1) {
      const name = `team-${String(i).padStart(3, '0')}`;
      await addGroup(server.connection, { name });
      await addMember(server.connection, name, busy.id);
    }
    await setResourceAccess(server.connection, BILLING, { groupsClaim: true });
    const { tokens } = await signIn(busy, BILLING, 'groups billing.read');
    const idToken = tokens.claims()!;
    expect(idToken.groups).to.have.length(MAX_GROUPS_CLAIM);
    expect((idToken.groups as string[])[0]).to.equal('team-000');
    const access = decodeJwt(tokens.access_token);
    expect(access.groups).to.have.length(MAX_GROUPS_CLAIM);
    expect(tokens.access_token.length).to.be.lessThan(4096);
    await setResourceAccess(server.connection, BILLING, { groupsClaim: false });
  });

  it('takes groups, roles and assignments from a configuration file, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshid-roles-'));
    const file = join(dir, 'roles.yaml');
    writeFileSync(
      file,
      `
resources:
  - indicator: https://reports.test.example
    name: Reports API
    scopes: [reports.read, reports.admin]
    scopeAccess: roles
    roles:
      - { name: reader, scopes: [reports.read] }
      - { name: admin, scopes: [reports.read, reports.admin] }
groups:
  - name: analysts
    members: [ana@reports.test.example]
    roles: [{ resource: https://reports.test.example, role: reader }]
clients:
  - id: reports-robot
    type: service
    secret: { env: ROBOT_SECRET }
    resources: [https://reports.test.example]
    roles: [{ resource: https://reports.test.example, role: admin }]
users:
  - email: ana@reports.test.example
    password: { env: ANA_PASSWORD }
`,
    );
    const env = {
      MONGODB_URI: testDatabaseUri(),
      MONGODB_DATABASE: server.connection.name,
      KEY_ENCRYPTION_KEY: KEK,
      ROBOT_SECRET: 'robot-secret-0123456789-abcdefghij',
      ANA_PASSWORD: 'a long analyst passphrase',
    };
    const dry = await runAdminWith(env, ['apply', file, '--dry-run']);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.include('+ role https://reports.test.example admin');
    expect(dry.stdout).to.include('+ group analysts');
    const applied = await runAdminWith(env, ['apply', file]);
    expect(applied.code, applied.stderr).to.equal(0);
    const again = await runAdminWith(env, ['apply', file]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.not.match(/^[+~-] (role|group|member|assignment)/m);

    const robot = { clientId: 'reports-robot', clientSecret: env.ROBOT_SECRET };
    const config = await relyingParty(server.issuer, robot);
    const claims = decodeJwt(
      (
        await oidc.clientCredentialsGrant(config, {
          resource: 'https://reports.test.example',
          scope: 'reports.read reports.admin',
        })
      ).access_token,
    );
    expect(claims.roles).to.deep.equal(['admin']);
    expect(String(claims.scope).split(' ').sort()).to.deep.equal(['reports.admin', 'reports.read']);

    const ana = { id: '', email: 'ana@reports.test.example', password: env.ANA_PASSWORD };
    const reportsApp = await addWebClient(server, { allowed_resources: ['https://reports.test.example'] });
    const { tokens } = await signInWithCode(server.issuer, reportsApp, ana, {
      scope: 'openid reports.read reports.admin',
      resource: 'https://reports.test.example',
    });
    const anaClaims = decodeJwt(tokens.access_token);
    expect(anaClaims.scope).to.equal('reports.read');
    expect(anaClaims.roles).to.deep.equal(['reader']);
  });

  it('says "people in group sre may call the API with its admin scope" in a few CLI commands, audited', async () => {
    const admin = (...args: string[]) =>
      runAdminWith(
        { MONGODB_URI: testDatabaseUri(), MONGODB_DATABASE: server.connection.name, KEY_ENCRYPTION_KEY: KEK },
        args,
      );
    const person = await addUser(server);
    for (const args of [
      ['roles', 'add', INTERNAL, 'sre-admin', '--scopes', 'orders.read orders.admin'],
      ['groups', 'add', 'sre'],
      ['groups', 'grant-role', 'sre', INTERNAL, 'sre-admin'],
      ['groups', 'add-member', 'sre', person.email],
    ]) {
      const result = await admin(...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0);
    }
    const listed = await admin('roles', 'list', INTERNAL, '--json');
    expect(JSON.parse(listed.stdout).map((r: { role: string }) => r.role)).to.include('sre-admin');
    const bad = await admin('roles', 'add', INTERNAL, 'x', '--scopes', 'nope');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('has no scope nope');

    const internalClient = await addWebClient(server, { allowed_resources: [INTERNAL] });
    const { tokens } = await signInWithCode(server.issuer, internalClient, person, {
      scope: 'openid orders.admin',
      resource: INTERNAL,
    });
    const claims = decodeJwt(tokens.access_token);
    expect(claims.scope).to.equal('orders.admin');
    expect(claims.roles).to.deep.equal(['sre-admin']);

    // A deleted client's roles go with it: a client registered again under its id starts with none.
    const doomed = await addServiceClient(server, { allowed_resources: [ORDERS] });
    expect((await admin('clients', 'grant-role', doomed.clientId, ORDERS, 'viewer')).code).to.equal(0);
    expect((await admin('clients', 'delete', doomed.clientId)).code).to.equal(0);
    expect(await roleAssignmentModel(server.connection).countDocuments({ subject: doomed.clientId })).to.equal(0);
    expect(await principalAccessModel(server.connection).countDocuments({ _id: `client:${doomed.clientId}` })).to.equal(
      0,
    );

    const revoked = await admin('groups', 'remove-member', 'sre', person.email);
    expect(revoked.code, revoked.stderr).to.equal(0);
    const events = (
      await auditModel(server.connection)
        .find({ event: /^admin\.(role|group)\./ })
        .lean()
    ).map((e) => e.event);
    expect(events).to.include.members([
      'admin.role.saved',
      'admin.group.added',
      'admin.role.granted',
      'admin.group.member_added',
      'admin.group.member_removed',
    ]);
  });
});
