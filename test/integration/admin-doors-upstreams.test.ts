import { expect } from 'chai';

import type { AdminDeps } from '../../provider/admin/admin-deps.ts';
import { type AuditView, queryAudit } from '../../provider/admin/audit.ts';
import { getUpstream } from '../../provider/admin/upstreams/views.ts';
import { idpModel } from '../../provider/upstream/idp-model.ts';
import { adminApiToken } from '../helpers/admin-api.ts';
import { signInToAdminConsole } from '../helpers/admin-console.ts';
import { runAdminWithIssuer } from '../helpers/admin-cli.ts';
import type { Browser, Page } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 31).toString('base64');
const MFA_KEY = Buffer.alloc(32, 32).toString('base64');
const SECRET = 'upstream-secret-never-shown-back';

/**
 * Upstream identity providers through every door: the CLI, the admin API and the console reach
 * the same operations, with the same refusals and the same audit record. The configuration file
 * does not declare upstreams, so it is not a door here.
 */
describe('admin doors: upstream identity providers', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  let browser: Browser;

  const apiToken = () => adminApiToken(server, 'admin:idps');

  /** Someone signed in to the console with their second factor (as admin-console.test.ts does). */
  async function consoleAs(role: 'admin' | 'viewer'): Promise<Browser> {
    const { browser: signedIn, page: done } = await signInToAdminConsole(server, MFA_KEY, role);
    expect(done.url.pathname).to.equal('/admin');
    return signedIn;
  }

  before(async () => {
    server = await startTestServer('admin-doors-upstreams', { KEY_ENCRYPTION_KEY: KEK, MFA_ENCRYPTION_KEY: MFA_KEY });
    token = await apiToken();
    browser = await consoleAs('admin');
  });
  after(() => server.stop());

  const cli = (args: string[], stdin = '') => runAdminWithIssuer(server, KEK, args, stdin);

  async function api(method: string, path: string, body?: unknown, ifMatch?: string) {
    const response = await fetch(`${server.issuer}/admin/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag') ?? '', text };
  }

  /** The API's PATCH, based on the version it reads first. */
  async function apiPatch(id: string, body: unknown) {
    const read = await api('GET', `/idps/${id}`);
    return api('PATCH', `/idps/${id}`, body, read.etag);
  }

  const deps = (): Pick<AdminDeps, 'connection' | 'issuer'> => ({
    connection: server.connection,
    issuer: server.issuer,
  });

  /** The newest audit record of `event` about this upstream. */
  async function recordOf(event: string, idp: string): Promise<AuditView> {
    const records = await queryAudit(deps(), { event, limit: 200 });
    const found = records.find((record) => record.details?.idp === idp);
    if (!found) throw new Error(`no ${event} record for ${idp}`);
    return found;
  }

  /** Each door's record: the same event and detail keys, and the door it came through. */
  async function sameShape(event: string, byDoor: Record<'cli' | 'api' | 'console', string>) {
    const records = await Promise.all(
      Object.entries(byDoor).map(async ([via, idp]) => ({ via, record: await recordOf(event, idp) })),
    );
    const keys = records.map(({ record }) =>
      Object.keys(record.details ?? {})
        .filter((key) => key !== 'by')
        .sort(),
    );
    for (const [i, { via, record }] of records.entries()) {
      expect(record.outcome).to.equal('success');
      expect(keys[i], via).to.deep.equal(keys[0]);
      expect((record.details?.by as { via?: string } | undefined)?.via).to.equal(via);
    }
    return records.map(({ record }) => record);
  }

  const addViaCli = (id: string, ...extra: string[]) =>
    cli(
      [
        'idps',
        'add',
        '--type',
        'oidc',
        '--id',
        id,
        '--issuer',
        `https://${id}.doors.example`,
        '--client-id',
        id,
        ...extra,
      ],
      `${SECRET}\n`,
    );
  const addViaApi = (id: string, extra: Record<string, unknown> = {}) =>
    api('POST', '/idps', {
      id,
      type: 'oidc',
      issuer: `https://${id}.doors.example`,
      client_id: id,
      client_secret: SECRET,
      ...extra,
    });
  async function addViaConsole(id: string, extra: Record<string, string> = {}): Promise<Page> {
    return browser.submit(await browser.open('/admin/upstreams/new'), '/admin/upstreams', {
      type: 'oidc',
      id,
      issuer: `https://${id}.doors.example`,
      client_id: id,
      client_secret: SECRET,
      ...extra,
    });
  }

  it('adds an upstream through the CLI, the API and the console with one audit record shape, secret sealed', async () => {
    const added = await addViaCli('add-cli');
    expect(added.code, added.stderr).to.equal(0);
    const posted = await addViaApi('add-api');
    expect(posted.status, posted.text).to.equal(201);
    expect(posted.text).to.not.include(SECRET);
    expect(JSON.parse(posted.text)).to.include({
      id: 'add-api',
      redirect_uri: `${server.issuer}/upstream/add-api/callback`,
    });
    const page = await addViaConsole('add-console');
    expect(page.status, page.html).to.equal(200);
    expect(page.url.pathname).to.equal('/admin/upstreams/add-console');
    expect(page.html).to.include(`${server.issuer}/upstream/add-console/callback`).and.not.include(SECRET);

    const records = await sameShape('admin.idp.added', { cli: 'add-cli', api: 'add-api', console: 'add-console' });
    expect(records[2]!.details).to.include({
      idp: 'add-console',
      type: 'oidc',
      issuer: 'https://add-console.doors.example',
    });
    expect(JSON.stringify(records)).to.not.include(SECRET);
    for (const id of ['add-cli', 'add-api', 'add-console']) {
      const stored = await idpModel(server.connection).findById(id).lean();
      expect(stored?.sealedClientSecret, id).to.be.a('string').and.not.include(SECRET);
    }
  });

  it('changes an upstream through the CLI, the API and the console with one audit record shape', async () => {
    for (const id of ['edit-cli', 'edit-api', 'edit-console']) expect((await addViaApi(id)).status).to.equal(201);
    const updated = await cli(['idps', 'update', 'edit-cli', '--name', 'Renamed']);
    expect(updated.code, updated.stderr).to.equal(0);
    const patched = await apiPatch('edit-api', { name: 'Renamed' });
    expect(patched.status, patched.text).to.equal(200);
    const detail = await browser.open('/admin/upstreams/edit-console');
    const saved = await browser.submit(detail, '/admin/upstreams/edit-console', { name: 'Renamed' });
    expect(saved.status, saved.html).to.equal(200);
    expect(saved.html).to.include('Upstream saved.');

    const records = await sameShape('admin.idp.updated', { cli: 'edit-cli', api: 'edit-api', console: 'edit-console' });
    for (const record of records) expect(record.details?.changed).to.deep.equal(['name']);
    for (const id of ['edit-cli', 'edit-api', 'edit-console'])
      expect((await getUpstream(deps(), id)).name, id).to.equal('Renamed');
  });

  it('replaces the secret from the console without ever showing it, and names only that it changed', async () => {
    expect((await addViaApi('secret-console')).status).to.equal(201);
    const before = (await idpModel(server.connection).findById('secret-console').lean())!.sealedClientSecret;
    const page = await browser.open('/admin/upstreams/secret-console');
    expect(page.html).to.match(/name="client_secret" type="password" value=""/);
    const saved = await browser.submit(page, '/admin/upstreams/secret-console', { client_secret: 'a-new-secret' });
    expect(saved.html).to.not.include('a-new-secret');
    const after = (await idpModel(server.connection).findById('secret-console').lean())!.sealedClientSecret;
    expect(after).to.not.equal(before).and.not.include('a-new-secret');
    expect((await recordOf('admin.idp.updated', 'secret-console')).details?.changed).to.deep.equal(['client_secret']);
  });

  it('disables an upstream through the CLI, the API and the console with one audit record shape', async () => {
    for (const id of ['off-cli', 'off-api', 'off-console']) expect((await addViaApi(id)).status).to.equal(201);
    const disabled = await cli(['idps', 'disable', 'off-cli']);
    expect(disabled.code, disabled.stderr).to.equal(0);
    expect((await apiPatch('off-api', { enabled: false })).status).to.equal(200);
    const page = await browser.submit(await browser.open('/admin/upstreams/off-console'), '/off-console/disable');
    expect(page.html).to.include('Upstream disabled');

    await sameShape('admin.idp.disabled', { cli: 'off-cli', api: 'off-api', console: 'off-console' });
    for (const id of ['off-cli', 'off-api', 'off-console'])
      expect((await getUpstream(deps(), id)).enabled, id).to.equal(false);
  });

  it('deletes an upstream through the CLI, the API and the console with one audit record shape', async () => {
    for (const id of ['gone-cli', 'gone-api', 'gone-console']) expect((await addViaApi(id)).status).to.equal(201);
    expect((await cli(['idps', 'delete', 'gone-cli'])).code).to.equal(0);
    const read = await api('GET', '/idps/gone-api');
    expect((await api('DELETE', '/idps/gone-api', undefined, read.etag)).status).to.equal(204);
    const page = await browser.submit(await browser.open('/admin/upstreams/gone-console'), '/gone-console/delete', {
      confirm: 'gone-console',
    });
    expect(page.url.pathname).to.equal('/admin/upstreams');

    await sameShape('admin.idp.deleted', { cli: 'gone-cli', api: 'gone-api', console: 'gone-console' });
    expect(await idpModel(server.connection).countDocuments({ _id: /^gone-/ })).to.equal(0);
  });

  it('refuses a domain another upstream signs in on every door, when added and when changed', async () => {
    expect((await addViaApi('domain-owner', { domains: ['owned.example'] })).status).to.equal(201);
    const cliAdd = await addViaCli('domain-cli', '--domains', 'owned.example');
    expect(cliAdd.code).to.equal(1);
    expect(cliAdd.stderr).to.include('already signs in through "domain-owner"');
    expect((await addViaApi('domain-api', { domains: ['owned.example'] })).text).to.include('domain-owner');
    const page = await addViaConsole('domain-console', { domains: 'owned.example' });
    expect(page.status).to.equal(400);
    expect(page.html).to.match(/id="domains-problem" class="field-problem">One of those domains already signs in/);

    // A change is checked like an addition: the same rule, through the same operation.
    expect((await addViaApi('domain-later')).status).to.equal(201);
    const cliUpdate = await cli(['idps', 'update', 'domain-later', '--domains', 'owned.example']);
    expect(cliUpdate.code).to.equal(1);
    expect(cliUpdate.stderr).to.include('domain-owner');
    const patched = await apiPatch('domain-later', { domains: ['owned.example'] });
    expect(patched.status).to.equal(400);
    const edit = await browser.submit(
      await browser.open('/admin/upstreams/domain-later'),
      '/admin/upstreams/domain-later',
      {
        domains: 'owned.example',
      },
    );
    expect(edit.status).to.equal(400);
    expect(edit.html).to.include('id="domains-problem"').and.include('value="owned.example"');
    expect((await getUpstream(deps(), 'domain-later')).domains).to.deep.equal([]);
    expect(await idpModel(server.connection).countDocuments({ _id: /^domain-(cli|api|console)$/ })).to.equal(0);
  });

  it("shows idp-settings.ts's refusals next to the console field they are about, keeping what was typed", async () => {
    const page = await addViaConsole('bad-issuer', { issuer: 'ftp://nope.example', scopes: 'email profile' });
    expect(page.status).to.equal(400);
    expect(page.html).to.include('id="issuer-problem"').and.include('must be an https URL');
    expect(page.html).to.include('value="ftp://nope.example"').and.not.include(SECRET);
    const missing = await addViaConsole('no-secret', { client_secret: '' });
    expect(missing.status).to.equal(400);
    expect(missing.html).to.include('id="client_secret-problem"');
    // The CLI parses with the same schema: an update naming nothing is refused, not recorded.
    const empty = await cli(['idps', 'update', 'edit-cli']);
    expect(empty.code).to.equal(1);
    expect(empty.stderr).to.include('at least one setting');
  });

  it('lets a viewer read the upstreams and change nothing', async () => {
    expect((await addViaApi('viewed')).status).to.equal(201);
    const viewer = await consoleAs('viewer');
    const list = await viewer.open('/admin/upstreams');
    expect(list.status).to.equal(200);
    expect(list.html).to.include('viewed').and.not.include('Add an upstream');
    const detail = await viewer.open('/admin/upstreams/viewed');
    expect(detail.status).to.equal(200);
    expect(detail.html).to.not.include('client_secret').and.not.include('Delete upstream');
    expect((await viewer.open('/admin/upstreams/new')).status).to.equal(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(detail.html)?.[1] ?? '';
    const attempt = await viewer.fetch('/admin/upstreams/viewed/disable', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(attempt.status).to.equal(403);
    expect((await getUpstream(deps(), 'viewed')).enabled).to.equal(true);
    expect((await viewer.open('/admin/upstreams/none-such')).status).to.equal(404);
  });
});
