import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';

import { adminApiIndicator, grantAdmin } from '../../provider/admin/admin-api-resource.ts';
import { adminApiRoutes } from '../../provider/admin/api/index.ts';
import { accountModel } from '../../provider/accounts/account-model.ts';
import { outboxModel } from '../../provider/mail/outbox-model.ts';
import { accessOfUser } from '../../provider/roles/manage-groups.ts';
import { grantRole } from '../../provider/roles/manage-roles.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { adminApiToken } from '../helpers/admin-api.ts';
import { addApi, addServiceClient, addUser, basicAuth, type TestClient } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

type Json = Record<string, unknown>;

describe('admin API (/admin/api/v1)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let admin: string;
  let viewer: string;
  let nobody: string;
  let document: {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
    >;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  async function tokenFor(client: TestClient, scope?: string): Promise<string> {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: adminApiIndicator(server.issuer),
        ...(scope ? { scope } : {}),
      }).toString(),
    });
    const body = (await response.json()) as Json;
    if (!body.access_token) throw new Error(JSON.stringify(body));
    return body.access_token as string;
  }

  const ALL =
    'admin:clients admin:resources admin:users admin:roles admin:keys admin:audit admin:idps admin:clients:read admin:resources:read admin:users:read admin:roles:read admin:keys:read admin:audit:read admin:idps:read';

  /** A concrete path for a route template (any values: the route must exist and check the token first). */
  const concrete = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_m, name: string) =>
      name === 'resource' || name === 'indicator'
        ? encodeURIComponent('https://x.example')
        : name === 'kind'
          ? 'user'
          : 'x',
    );

  before(async () => {
    server = await startTestServer('admin-api', { CLIENT_CACHE_TTL: '0', ADMIN_API_CALLS_PER_MINUTE: '1000' });
    await addApi(server);
    const indicator = adminApiIndicator(server.issuer);
    const robot = await addServiceClient(server, { allowed_resources: [indicator] });
    await grantRole(server.connection, { kind: 'client', subject: robot.clientId }, indicator, 'admin');
    const reader = await addServiceClient(server, { allowed_resources: [indicator] });
    await grantRole(server.connection, { kind: 'client', subject: reader.clientId }, indicator, 'viewer');
    const stranger = await addServiceClient(server, { allowed_resources: [indicator] });
    admin = await tokenFor(robot, ALL);
    viewer = await tokenFor(reader, ALL);
    nobody = await tokenFor(stranger);
    document = (await (await fetch(`${server.issuer}/admin/api/v1/openapi.json`)).json()) as typeof document;
  });
  after(() => server.stop());

  async function call(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${server.issuer}/admin/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Json };
  }

  /** The answer must match what the OpenAPI document says this route answers. */
  function conforms(template: string, method: string, status: number, body: unknown) {
    const operation = document.paths[template]?.[method];
    expect(operation, `${method} ${template} in the document`).to.not.equal(undefined);
    const schema = operation!.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return expect(body, `${method} ${template} answers no body`).to.equal(undefined);
    const validate = ajv.compile(schema);
    expect(validate(body), `${method} ${template}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  }

  it('documents exactly the routes it serves (OpenAPI 3.1 from the validating schemas)', async () => {
    expect((document as unknown as Json).openapi).to.equal('3.1.0');
    const declared = adminApiRoutes(undefined)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).to.deep.equal(declared);
    // Every documented operation is there (never a 404/405 from the router), and refuses a missing token.
    for (const entry of documented) {
      const [method, template] = entry.split(' ') as [string, string];
      const path = concrete(template);
      const answer = await call(method.toUpperCase(), path, undefined);
      expect(answer.status, entry).to.equal(401);
      expect(answer.headers.get('content-type')).to.include('application/problem+json');
    }
    expect((await call('GET', '/nowhere', admin)).status).to.equal(404);
    expect((await call('PUT', '/keys', admin)).status).to.equal(405);
  });

  it('refuses a token without the scope, a viewer writing, and a token for another audience', async () => {
    for (const route of adminApiRoutes(undefined)) {
      const path = concrete(route.path);
      const refused = await call(route.method.toUpperCase(), path, nobody, route.body ? {} : undefined);
      expect(refused.status, `${route.method} ${route.path} without scopes`).to.equal(403);
      expect(refused.body.type).to.equal('/admin/api/v1/problems/insufficient-scope');
      if (route.write) {
        const asViewer = await call(route.method.toUpperCase(), path, viewer, route.body ? {} : undefined);
        expect(asViewer.status, `${route.method} ${route.path} as viewer`).to.equal(403);
      }
    }
    const other = await addServiceClient(server);
    const otherToken = await tokenFor({ ...other } as TestClient).catch(() => undefined);
    expect(otherToken, 'no token for an API the client may not use').to.equal(undefined);
    const wrong = await call('GET', '/clients', 'not-a-token');
    expect(wrong.status).to.equal(401);
    expect(wrong.headers.get('www-authenticate')).to.include('invalid_token');
  });

  it('answers invalid input with a problem document naming each field', async () => {
    const bad = await call('POST', '/clients', admin, { type: 'toaster', redirect_uris: ['not a uri'], extra: 1 });
    expect(bad.status).to.equal(400);
    expect(bad.headers.get('content-type')).to.include('application/problem+json');
    expect(bad.body.type).to.equal('/admin/api/v1/problems/validation');
    const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).to.include.members(['type', 'redirect_uris.0']);
    const notJson = await fetch(`${server.issuer}/admin/api/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).to.equal(400);
    expect((await notJson.json()).type).to.equal('/admin/api/v1/problems/bad-body');
    const malformed = await call('GET', '/clients/%E0%A4%A', admin);
    expect(malformed.status).to.equal(400);
    // The provider's own clients are not the API's to change.
    const console = await call('GET', '/clients/meshid-admin-console', admin);
    const hijack = await call(
      'PATCH',
      '/clients/meshid-admin-console',
      admin,
      { redirect_uris: ['https://evil.example/cb'] },
      {
        'if-match': console.headers.get('etag')!,
      },
    );
    expect(hijack.status).to.equal(400);
    const policy = await call('POST', '/clients', admin, { type: 'web', redirect_uris: ['http://evil.example/cb'] });
    expect(policy.status, JSON.stringify(policy.body)).to.equal(400);
  });

  it('refuses a client for an API that does not exist, naming the known ones', async () => {
    const typo = await call('POST', '/clients', admin, {
      type: 'service',
      name: 'Typo',
      resources: ['https://api.tpyo.example'],
    });
    expect(typo.status, JSON.stringify(typo.body)).to.equal(400);
    expect(JSON.stringify(typo.body))
      .to.include('unknown API https://api.tpyo.example')
      .and.include(adminApiIndicator(server.issuer));
  });

  it('manages a client: create (secret once), read with ETag, stale If-Match refused, rotate, delete; all audited', async () => {
    const created = await call('POST', '/clients', admin, {
      type: 'web',
      name: 'Console test',
      redirect_uris: ['https://app.example/cb'],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    conforms('/clients', 'post', 201, created.body);
    const id = created.body.client_id as string;
    expect(created.body.client_secret).to.be.a('string');

    const read = await call('GET', `/clients/${id}`, viewer);
    expect(read.status).to.equal(200);
    conforms('/clients/{id}', 'get', 200, read.body);
    expect(read.body).to.not.have.property('client_secret');
    const etag = read.headers.get('etag')!;
    expect(etag).to.match(/^"[\w-]+"$/);

    const without = await call('PATCH', `/clients/${id}`, admin, { client_name: 'Renamed' });
    expect(without.status).to.equal(428);
    const first = await call('PATCH', `/clients/${id}`, admin, { client_name: 'First admin' }, { 'if-match': etag });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    conforms('/clients/{id}', 'patch', 200, first.body);
    // The second admin read the same version: their change is refused, not silently lost.
    const second = await call('PATCH', `/clients/${id}`, admin, { client_name: 'Second admin' }, { 'if-match': etag });
    expect(second.status).to.equal(412);
    expect((await call('GET', `/clients/${id}`, admin)).body.client_name).to.equal('First admin');

    const rotated = await call('POST', `/clients/${id}/secret`, admin);
    expect(rotated.status).to.equal(200);
    conforms('/clients/{id}/secret', 'post', 200, rotated.body);
    expect(rotated.body.client_secret).to.not.equal(created.body.client_secret);

    const current = (await call('GET', `/clients/${id}`, admin)).headers.get('etag')!;
    const deleted = await call('DELETE', `/clients/${id}`, admin, undefined, { 'if-match': current });
    expect(deleted.status).to.equal(204);
    expect((await call('GET', `/clients/${id}`, admin)).status).to.equal(404);

    const events = await auditModel(server.connection).find({ client: id }).lean();
    const changes = events.map((e) => e.event);
    expect(changes).to.include.members([
      'admin.client.added',
      'admin.client.updated',
      'admin.client.secret_rotated',
      'admin.client.deleted',
    ]);
    for (const event of events) expect(event.details?.by, event.event).to.deep.include({ via: 'api' });
  });

  it('lets only one of two changes based on the same version through, even at the same moment', async () => {
    const created = await call('POST', '/clients', admin, { type: 'service', name: 'Race' });
    const id = created.body.client_id as string;
    const etag = (await call('GET', `/clients/${id}`, admin)).headers.get('etag')!;
    const answers = await Promise.all(
      ['First', 'Second', 'Third'].map((name) =>
        call('PATCH', `/clients/${id}`, admin, { client_name: name }, { 'if-match': etag }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses),
    ).to.have.length(1);
    expect(statuses.filter((s) => s === 409 || s === 412)).to.have.length(2);
    const winner = answers.find((a) => a.status === 200)!.body.client_name;
    expect((await call('GET', `/clients/${id}`, admin)).body.client_name).to.equal(winner);
    const updates = await auditModel(server.connection).find({ event: 'admin.client.updated', client: id }).lean();
    expect(updates).to.have.length(1);
  });

  it('lists with cursor pagination and filters the audit log', async () => {
    for (let i = 0; i < 3; i += 1) await addServiceClient(server);
    const first = await call('GET', '/clients?limit=2', admin);
    conforms('/clients', 'get', 200, first.body);
    expect(first.body.items).to.have.length(2);
    const next = await call('GET', `/clients?limit=2&cursor=${first.body.next_cursor}`, admin);
    expect((next.body.items as Json[])[0]!.client_id).to.not.equal((first.body.items as Json[])[1]!.client_id);

    const audit = await call('GET', '/audit?event=admin.&limit=5', viewer);
    expect(audit.status).to.equal(200);
    conforms('/audit', 'get', 200, audit.body);
    expect((audit.body.items as Json[]).every((r) => String(r.event).startsWith('admin.'))).to.equal(true);
    const older = await call('GET', `/audit?event=admin.&limit=5&cursor=${audit.body.next_cursor}`, viewer);
    expect((older.body.items as Json[])[0]!.seq as number).to.be.lessThan(
      (audit.body.items as Json[]).at(-1)!.seq as number,
    );
    const badDate = await call('GET', '/audit?from=yesterday', viewer);
    expect(badDate.status).to.equal(400);
    const chain = await call('GET', '/audit/chain', viewer);
    conforms('/audit/chain', 'get', 200, chain.body);
    expect(chain.body.intact).to.equal(true);
  });

  it('manages users: search, detail, disable (signs out), unlock, sign out, factors', async () => {
    const user = await addUser(server, `api-user-${Date.now()}@example.test`);
    const found = await call('GET', `/users?q=${encodeURIComponent(user.email.slice(0, 12))}`, viewer);
    conforms('/users', 'get', 200, found.body);
    expect((found.body.items as Json[]).map((u) => u.id)).to.include(user.id);
    const detail = await call('GET', `/users/${user.id}`, viewer);
    conforms('/users/{id}', 'get', 200, detail.body);
    const disabled = await call(
      'PATCH',
      `/users/${user.id}`,
      admin,
      { disabled: true },
      { 'if-match': detail.headers.get('etag')! },
    );
    expect(disabled.status, JSON.stringify(disabled.body)).to.equal(200);
    conforms('/users/{id}', 'patch', 200, disabled.body);
    expect((await accountModel(server.connection).findById(user.id).lean())?.disabled).to.equal(true);
    for (const action of ['unlock', 'sign-out', 'remove-passkeys']) {
      const done = await call('POST', `/users/${user.id}/${action}`, admin);
      expect(done.status, action).to.be.oneOf([200, 204]);
      conforms(`/users/{id}/${action}`, 'post', done.status, done.body);
    }
    const enabledAgain = await call(
      'PATCH',
      `/users/${user.id}`,
      admin,
      { disabled: false },
      {
        'if-match': (await call('GET', `/users/${user.id}`, admin)).headers.get('etag')!,
      },
    );
    expect(enabledAgain.status).to.equal(200);
    const reset = await call('POST', `/users/${user.id}/password-reset`, admin);
    expect(reset.status, JSON.stringify(reset.body)).to.equal(204);
    const mails = await outboxModel(server.connection).find({ to: user.email }).lean();
    expect(mails.length).to.be.greaterThan(0);
    const noFactor = await call('POST', `/users/${user.id}/reset-mfa`, admin);
    expect(noFactor.status).to.equal(400);
    const invite = await call('POST', '/users', admin, { email: 'new@example.test' });
    expect(invite.status).to.equal(201);
    conforms('/users', 'post', 201, invite.body);
    const dup = await call('POST', '/users', admin, { email: 'new@example.test' });
    expect(dup.status).to.equal(409);
    const disables = await auditModel(server.connection)
      .find({ event: 'admin.user.disabled', account: user.id })
      .lean();
    expect(disables).to.have.length(1);
  });

  it('manages APIs, keys and upstreams; every read is on record too', async () => {
    const indicator = encodeURIComponent('https://inventory.example');
    const put = await call('PUT', `/resources/${indicator}`, admin, { name: 'Inventory', scopes: ['stock.read'] });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    conforms('/resources/{indicator}', 'put', 200, put.body);
    const stale = await call(
      'PUT',
      `/resources/${indicator}`,
      admin,
      { name: 'Inventory 2', scopes: [] },
      { 'if-match': '"stale"' },
    );
    expect(stale.status).to.equal(412);
    // The provider's own admin API is not for the API to open up or delete.
    const own = encodeURIComponent(adminApiIndicator(server.issuer));
    const ownEtag = (await call('GET', `/resources/${own}`, admin)).headers.get('etag')!;
    const opened = await call(
      'PUT',
      `/resources/${own}`,
      admin,
      { name: 'x', scopes: [], scope_access: 'open' },
      { 'if-match': ownEtag },
    );
    expect(opened.status).to.equal(400);
    expect((await call('GET', `/resources/${own}`, admin)).body.scope_access).to.equal('roles');
    const listed = await call('GET', '/resources', viewer);
    conforms('/resources', 'get', 200, listed.body);
    const keys = await call('GET', '/keys', viewer);
    conforms('/keys', 'get', 200, keys.body);
    const rotated = await call('POST', '/keys/rotate', admin);
    expect(rotated.status, JSON.stringify(rotated.body)).to.equal(200);
    conforms('/keys/rotate', 'post', 200, rotated.body);
    const idps = await call('GET', '/idps', viewer);
    conforms('/idps', 'get', 200, idps.body);
    const reads = await auditModel(server.connection).find({ event: 'admin.api.read' }).lean();
    expect(reads.map((r) => r.details?.route)).to.include.members(['GET /keys', 'GET /resources', 'GET /idps']);
    expect(reads.every((r) => (r.details?.by as Json | undefined)?.via === 'api')).to.equal(true);
  });

  it('manages groups, members, roles and holders through the same services as the CLI', async () => {
    const api = encodeURIComponent('https://api.test.example');
    const user = await addUser(server);
    expect((await call('POST', '/groups', admin, { name: 'api-ops' })).status).to.equal(201);
    expect((await call('PUT', `/groups/api-ops/members/${user.id}`, admin)).status).to.equal(204);
    expect((await call('PUT', '/groups/api-ops/members/no-such-user', admin)).status).to.equal(404);
    const role = await call('PUT', `/roles/${api}/writer`, admin, { scopes: ['orders:write'] });
    expect(role.status, JSON.stringify(role.body)).to.equal(200);
    conforms('/roles/{resource}/{role}', 'put', 200, role.body);
    const unknownScope = await call('PUT', `/roles/${api}/odd`, admin, { scopes: ['nope'] });
    expect(unknownScope.status).to.equal(400);
    expect((await call('PUT', `/roles/${api}/writer/holders/group/api-ops`, admin)).status).to.equal(204);
    // A client id nobody has cannot be given a role: a client registered under it later would inherit it.
    expect((await call('PUT', `/roles/${api}/writer/holders/client/not-yet-registered`, admin)).status).to.equal(404);
    const groups = await call('GET', '/groups', viewer);
    conforms('/groups', 'get', 200, groups.body);
    expect(groups.body.items).to.deep.include({ name: 'api-ops', members: 1 });
    const roles = await call('GET', `/roles?resource=${api}`, viewer);
    conforms('/roles', 'get', 200, roles.body);
    const held = await accessOfUser(server.connection, user.id);
    expect(held?.roles.map((r) => r.name)).to.include('writer');
    expect((await call('DELETE', `/roles/${api}/writer/holders/group/api-ops`, admin)).status).to.equal(204);
    expect((await accessOfUser(server.connection, user.id))?.roles ?? []).to.deep.equal([]);
    expect((await call('DELETE', `/roles/${api}/writer`, admin)).status).to.equal(204);
    expect((await call('DELETE', '/groups/api-ops', admin)).status).to.equal(204);
    const events = (
      await auditModel(server.connection)
        .find({ event: /^admin\.(group|role)\./ })
        .lean()
    ).filter((e) => (e.details?.by as Json | undefined)?.via === 'api');
    expect(events.map((e) => e.event)).to.include.members([
      'admin.group.added',
      'admin.group.member_added',
      'admin.role.saved',
      'admin.role.granted',
      'admin.role.revoked',
      'admin.role.deleted',
      'admin.group.deleted',
    ]);
  });

  it('lets a person in through grant-admin, and a viewer only reads', async () => {
    const person = await addUser(server);
    expect(await grantAdmin(server.connection, server.issuer, person.id, 'viewer')).to.equal(true);
    expect(await grantAdmin(server.connection, server.issuer, person.id, 'viewer')).to.equal(false);
  });

  it('limits calls per caller with 429 and Retry-After', async () => {
    const limited = await startTestServer('admin-api-limit', { ADMIN_API_CALLS_PER_MINUTE: '3' });
    try {
      const token = await adminApiToken(limited, 'admin:keys:read', 'viewer');
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i += 1) {
        last = await fetch(`${limited.issuer}/admin/api/v1/keys`, { headers: { authorization: `Bearer ${token}` } });
        statuses.push(last.status);
      }
      expect(statuses).to.deep.equal([200, 200, 200, 429]);
      expect(last!.headers.get('retry-after')).to.equal('60');
    } finally {
      await limited.stop();
    }
  });
});
