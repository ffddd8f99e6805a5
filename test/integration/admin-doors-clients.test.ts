import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { changeLockModel } from '../../provider/admin/change-lock-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { type AdminApi, adminApi, adminApiToken } from '../helpers/admin-api.ts';
import { signInToAdminConsole } from '../helpers/admin-console.ts';
import { runAdmin } from '../helpers/admin-cli.ts';
import type { Browser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 41).toString('base64');
const MFA_KEY = Buffer.alloc(32, 42).toString('base64');

interface Record_ {
  event: string;
  client?: string;
  details?: { by?: { via?: string }; [key: string]: unknown };
}

/**
 * A client changed through each door (CLI, admin API, console, configuration file) reaches the
 * same operation: the audit records have one shape, and only `details.by.via` tells them apart.
 */
describe('admin doors for clients: CLI, API, console and configuration file', function () {
  this.timeout(120_000);
  let server: TestServer;
  let token: string;
  let browser: Browser;
  let file: string;

  const cli = async (args: string[]) => {
    const result = await runAdmin(server, KEK, args);
    expect(result.code, result.stderr).to.equal(0);
    return result;
  };

  const api: AdminApi = (...call) => adminApi(server, token)(...call);

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  async function consolePost(page: string, path: string, fields: Record<string, string>) {
    const form = await browser.open(page);
    const response = await browser.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: csrfOf(form.html), ...fields }).toString(),
    });
    return { status: response.status, html: await response.text(), form: form.html };
  }

  const declare = (name: string) =>
    writeFileSync(
      file,
      `clients:\n  - id: doors-config\n    type: service\n    name: ${name}\n    secret: generated\n`,
    );

  async function recordOf(event: string, client: string): Promise<Record_> {
    const found = await auditModel(server.connection).find({ event, client }).sort({ seq: -1 }).lean<Record_[]>();
    expect(found, `${event} of ${client}`).to.have.length.greaterThan(0);
    return found[0]!;
  }

  /** Same event, same keys in details besides `by`, and each door named in `by.via`. */
  async function expectSameShape(event: string, byDoor: Record<'cli' | 'api' | 'console' | 'config', string>) {
    const records = await Promise.all(
      Object.entries(byDoor).map(async ([via, client]) => ({ via, record: await recordOf(event, client) })),
    );
    const keys = (record: Record_) =>
      Object.keys(record.details ?? {})
        .filter((key) => key !== 'by')
        .sort();
    for (const { via, record } of records) {
      expect(record.event).to.equal(event);
      expect(record.details?.by?.via, event).to.equal(via);
      expect(keys(record), `${event} through ${via}`).to.deep.equal(keys(records[0]!.record));
    }
  }

  before(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'meshid-doors-')), 'meshid.yaml');
    server = await startTestServer('admin-doors-clients', {
      KEY_ENCRYPTION_KEY: KEK,
      MFA_ENCRYPTION_KEY: MFA_KEY,
      CLIENT_CACHE_TTL: '0',
      ADMIN_API_CALLS_PER_MINUTE: '1000',
    });
    token = await adminApiToken(server, 'admin:clients admin:clients:read');

    browser = (await signInToAdminConsole(server, MFA_KEY)).browser;
  });
  after(() => server.stop());

  it('adds a client through each door with the same audit record', async () => {
    await cli(['clients', 'add', '--type', 'service', '--id', 'doors-cli']);
    expect((await api('POST', '/clients', { type: 'service', id: 'doors-api' })).status).to.equal(201);
    const added = await consolePost('/admin/clients', '/admin/clients', { type: 'service', id: 'doors-console' });
    expect(added.status).to.equal(200);
    declare('Doors');
    await cli(['apply', file]);
    await expectSameShape('admin.client.added', {
      cli: 'doors-cli',
      api: 'doors-api',
      console: 'doors-console',
      config: 'doors-config',
    });
  });

  it('changes a client through each door with the same audit record', async () => {
    await cli(['clients', 'set-introspection', 'doors-cli', '--any']);
    const read = await api('GET', '/clients/doors-api');
    const patched = await api('PATCH', '/clients/doors-api', { client_name: 'Renamed' }, { 'if-match': read.etag });
    expect(patched.status).to.equal(200);
    const page = await browser.open('/admin/clients/doors-console');
    const version = /name="client_version" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const saved = await consolePost('/admin/clients/doors-console', '/admin/clients/doors-console', {
      client_version: version,
      name: 'Renamed',
    });
    expect(saved.status, saved.html.slice(0, 300)).to.be.oneOf([200, 302, 303]);
    declare('Renamed');
    await cli(['apply', file]);
    await expectSameShape('admin.client.updated', {
      cli: 'doors-cli',
      api: 'doors-api',
      console: 'doors-console',
      config: 'doors-config',
    });
    expect((await recordOf('admin.client.updated', 'doors-config')).details?.fields).to.deep.equal(['client_name']);
  });

  it('refuses through the CLI a client name the API refuses (a bidi override)', async () => {
    const name = 'Pay\u202eevil';
    const viaApi = await api('POST', '/clients', { type: 'service', id: 'doors-bidi-api', name });
    expect(viaApi.status).to.equal(400);
    const viaCli = await runAdmin(server, KEK, [
      'clients',
      'add',
      '--type',
      'service',
      '--id',
      'doors-bidi',
      '--name',
      name,
    ]);
    expect(viaCli.code).to.equal(1);
    expect(viaCli.stderr).to.include('--name');
    expect((await api('GET', '/clients/doors-bidi')).status).to.equal(404);
  });

  it('records an initial access token issued through the CLI with its actor', async () => {
    await cli(['clients', 'initial-token', '--expires', '600', '--json']);
    const [record] = await auditModel(server.connection)
      .find({ event: 'admin.registration.initial_token' })
      .sort({ seq: -1 })
      .lean<Record_[]>();
    expect(record?.details).to.deep.include({ expiresIn: 600 });
    expect(record?.details?.by?.via).to.equal('cli');
    const tooLong = await runAdmin(server, KEK, ['clients', 'initial-token', '--expires', '5']);
    expect(tooLong.code).to.equal(1);
    expect(tooLong.stderr).to.include('--expires must be 60 to 31536000 seconds');
  });
  it('sets through the console what the API sets: sign-out redirects, policies, introspection', async () => {
    const callback = 'http://127.0.0.1:9999/callback';
    expect(
      (await api('POST', '/clients', { type: 'web', id: 'doors-web', redirect_uris: [callback] })).status,
    ).to.equal(201);
    const page = await browser.open('/admin/clients/doors-web');
    const saved = await consolePost('/admin/clients/doors-web', '/admin/clients/doors-web', {
      client_version: /name="client_version" value="([^"]+)"/.exec(page.html)?.[1] ?? '',
      redirect_uris: callback,
      post_logout_redirect_uris: 'http://127.0.0.1:9999/bye',
      require_passkey: 'on',
      require_verified_email: 'on',
      introspect_any: 'on',
    });
    expect(saved.status, saved.html.slice(0, 300)).to.be.oneOf([200, 302, 303]);
    const { body } = await api('GET', '/clients/doors-web');
    expect(body).to.deep.include({
      post_logout_redirect_uris: ['http://127.0.0.1:9999/bye'],
      require_passkey: true,
      require_verified_email: true,
      introspect_any: true,
    });
  });

  it("sets through the console's Advanced section what the API sets: PAR, DPoP, back-channel logout, exchange, scopes per API", async () => {
    const api_ = adminApiIndicator(server.issuer);
    const added = await consolePost('/admin/clients', '/admin/clients', {
      type: 'exchanger',
      id: 'doors-advanced',
      require_par: 'on',
      require_dpop: 'on',
      backchannel_logout_uri: 'https://orders.example/logout',
      exchange_resources: 'https://orders-db.example\nhttps://stock.example',
      exchange_subject_audiences: api_,
      exchange_subject_clients: 'doors-web',
      exchange_scopes: 'orders:read stock:read',
      exchange_actor: 'on',
      resource_server_of: api_,
    });
    expect(added.status, added.html.slice(0, 300)).to.equal(200);
    expect(added.html).to.include('data-client-id>doors-advanced<');
    const { body } = await api('GET', '/clients/doors-advanced');
    expect(body).to.deep.include({
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
      backchannel_logout_uri: 'https://orders.example/logout',
      backchannel_logout_session_required: true,
      resource_server_of: [api_],
      token_exchange: {
        resources: ['https://orders-db.example', 'https://stock.example'],
        subject_audiences: [api_],
        subject_clients: ['doors-web'],
        scopes: ['orders:read', 'stock:read'],
        actor: true,
      },
    });

    // On the client's page: what the API's PATCH changes, scopes per API (one API a line) included.
    const page = await browser.open('/admin/clients/doors-advanced');
    expect(page.html).to.match(/data-token-exchange>Token exchange[^<]*https:\/\/orders-db.example/);
    const saved = await consolePost('/admin/clients/doors-advanced', '/admin/clients/doors-advanced', {
      client_version: /name="client_version" value="([^"]+)"/.exec(page.html)?.[1] ?? '',
      resources: api_,
      resource_scopes: `${api_} admin:clients:read\n`,
      resource_server_of: api_,
      require_dpop: 'on',
      backchannel_logout_uri: 'https://orders.example/bye',
    });
    expect(saved.status, saved.html.slice(0, 300)).to.be.oneOf([200, 302, 303]);
    const changed = await api('GET', '/clients/doors-advanced');
    expect(changed.body).to.deep.include({
      resource_scopes: { [api_]: ['admin:clients:read'] },
      require_pushed_authorization_requests: false,
      dpop_bound_access_tokens: true,
      backchannel_logout_uri: 'https://orders.example/bye',
      backchannel_logout_session_required: false,
    });
    const shown = await browser.open('/admin/clients/doors-advanced');
    expect(shown.html).to.match(/<textarea id="resource_scopes"[^>]*>[^<]*admin:clients:read<\/textarea>/);
    expect(shown.html).to.match(/id="backchannel_logout_uri"[^>]*value="https:\/\/orders.example\/bye"/);

    // Emptied, the back-channel URI is removed (the API's PATCH takes null for that).
    const emptied = await consolePost('/admin/clients/doors-advanced', '/admin/clients/doors-advanced', {
      client_version: /name="client_version" value="([^"]+)"/.exec(shown.html)?.[1] ?? '',
      resources: api_,
      resource_scopes: `${api_} admin:clients:read`,
      backchannel_logout_uri: '',
    });
    expect(emptied.status, emptied.html.slice(0, 300)).to.be.oneOf([200, 302, 303]);
    expect((await api('GET', '/clients/doors-advanced')).body).to.not.have.property('backchannel_logout_uri');
  });

  it("changes through the API's PATCH what the console's client page changes: PAR, DPoP, back-channel logout", async () => {
    expect((await api('POST', '/clients', { type: 'service', id: 'doors-patch' })).status).to.equal(201);
    const read = await api('GET', '/clients/doors-patch');
    const patched = await api(
      'PATCH',
      '/clients/doors-patch',
      {
        require_pushed_authorization_requests: true,
        dpop_bound_access_tokens: true,
        backchannel_logout_uri: 'https://svc.example/logout',
        backchannel_logout_session_required: true,
      },
      { 'if-match': read.etag },
    );
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect(patched.body).to.deep.include({
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
      backchannel_logout_uri: 'https://svc.example/logout',
      backchannel_logout_session_required: true,
    });
    const removed = await api(
      'PATCH',
      '/clients/doors-patch',
      { backchannel_logout_uri: null },
      { 'if-match': patched.etag },
    );
    expect(removed.status, JSON.stringify(removed.body)).to.equal(200);
    expect(removed.body).to.not.have.property('backchannel_logout_uri');
    const refused = await api(
      'PATCH',
      '/clients/doors-patch',
      { backchannel_logout_uri: 'ftp://svc.example/logout' },
      { 'if-match': removed.etag },
    );
    expect(refused.status).to.equal(400);
    expect(JSON.stringify(refused.body)).to.include('backchannel_logout_uri must be a web uri');
  });

  it('refuses a wrong back-channel URI or scope line on the page, next to the field, and stores nothing', async () => {
    const refused = await consolePost('/admin/clients', '/admin/clients', {
      type: 'web',
      id: 'doors-refused',
      redirect_uris: 'http://127.0.0.1:9999/callback',
      backchannel_logout_uri: 'ftp://app.example/logout',
    });
    expect(refused.status).to.equal(400);
    expect(refused.html).to.match(/<details open>/);
    expect(refused.html).to.match(
      /<input id="backchannel_logout_uri"[^>]*aria-invalid="true"[^>]*aria-describedby="backchannel-help backchannel_logout_uri-problem"/,
    );
    expect(refused.html).to.match(/id="backchannel_logout_uri-problem"[^>]*>Write the back-channel logout URI/);
    // What was typed is still there.
    expect(refused.html).to.match(/id="backchannel_logout_uri"[^>]*value="ftp:\/\/app.example\/logout"/);
    expect((await api('GET', '/clients/doors-refused')).status).to.equal(404);

    const page = await browser.open('/admin/clients/doors-advanced');
    const before = await api('GET', '/clients/doors-advanced');
    const wrong = await consolePost('/admin/clients/doors-advanced', '/admin/clients/doors-advanced', {
      client_version: /name="client_version" value="([^"]+)"/.exec(page.html)?.[1] ?? '',
      resource_scopes: 'api.example orders:read',
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.html).to.match(/id="resource_scopes-problem"[^>]*>api.example is not an API identifier/);
    expect((await api('GET', '/clients/doors-advanced')).body).to.deep.equal(before.body);
  });

  it('takes the change lock the API takes: a CLI change waits for no one and is refused while one runs', async () => {
    await cli(['clients', 'add', '--type', 'service', '--id', 'doors-locked']);
    // An API or console change to this client in progress (on any instance) holds its lock.
    await changeLockModel(server.connection).insertMany([
      { _id: '/clients/doors-locked', expiresAt: new Date(Date.now() + 60_000) },
    ]);
    const refused = await runAdmin(server, KEK, ['clients', 'set-introspection', 'doors-locked', '--any']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('another change to this is in progress');
    await changeLockModel(server.connection).deleteOne({ _id: '/clients/doors-locked' });
    await cli(['clients', 'set-introspection', 'doors-locked', '--any']);
  });

  it('deletes a client through each door with the same audit record (the file prunes it)', async () => {
    await cli(['clients', 'delete', 'doors-cli']);
    const read = await api('GET', '/clients/doors-api');
    expect((await api('DELETE', '/clients/doors-api', undefined, { 'if-match': read.etag })).status).to.equal(204);
    const removed = await consolePost('/admin/clients/doors-console', '/admin/clients/doors-console/delete', {
      confirm: 'doors-console',
    });
    expect(removed.status, removed.html.slice(0, 300)).to.be.oneOf([200, 302, 303]);
    writeFileSync(file, 'clients:\n  - id: doors-kept\n    type: service\n    secret: generated\n');
    await cli(['apply', file, '--prune']);
    await expectSameShape('admin.client.deleted', {
      cli: 'doors-cli',
      api: 'doors-api',
      console: 'doors-console',
      config: 'doors-config',
    });
  });
});
