import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { MongoAdapter } from '../../adapters/mongodb.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { createLink } from '../../provider/upstream/identity-links.ts';
import { adminApiToken } from '../helpers/admin-api.ts';
import { signInToAdminConsole } from '../helpers/admin-console.ts';
import { runAdmin } from '../helpers/admin-cli.ts';
import type { Browser } from '../helpers/browser.ts';
import { addUser, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 29).toString('base64');
const MFA_KEY = Buffer.alloc(32, 30).toString('base64');

type Via = 'cli' | 'api' | 'console' | 'config';
interface AuditRecord {
  event: string;
  account?: string;
  details?: { by?: { via?: string; sub?: string; client?: string } } & { [key: string]: unknown };
}

/**
 * The four doors of user administration (CLI, admin API, console, configuration file) reach the
 * same operations: the same change leaves the same audit record, differing only in who and how.
 */
describe('admin doors: users', function () {
  this.timeout(600_000);
  let server: TestServer;
  let token: string;
  let consoleBrowser: Browser;

  before(async () => {
    server = await startTestServer('admin-doors-users', {
      KEY_ENCRYPTION_KEY: KEK,
      MFA_ENCRYPTION_KEY: MFA_KEY,
      ADMIN_API_CALLS_PER_MINUTE: '1000',
    });
    token = await adminApiToken(server, 'admin:users admin:users:read');
    // The console's sign-in steps, as admin-console.test.ts takes them.
    const signedIn = await signInToAdminConsole(server, MFA_KEY);
    consoleBrowser = signedIn.browser;
    expect(signedIn.page.url.pathname).to.equal('/admin');
  });
  after(() => server.stop());

  const cli = async (args: string[], stdin = '') => {
    const result = await runAdmin(server, KEK, args, stdin);
    expect(result.code, result.stderr).to.equal(0);
    return result.stdout;
  };

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${server.issuer}/admin/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : undefined };
  }

  /** Posts one of the user page's forms, as the signed-in console administrator. */
  async function consoleAction(user: TestUser, action: string) {
    const page = await consoleBrowser.open(`/admin/users/${encodeURIComponent(user.id)}`);
    expect(page.status).to.equal(200);
    const done = await consoleBrowser.submit(page, `/${action}`);
    expect(done.status).to.equal(200);
    return done;
  }

  async function recordOf(event: string, account: string): Promise<AuditRecord> {
    const found = await auditModel(server.connection).findOne({ event, account }).lean<AuditRecord>();
    expect(found, `${event} of ${account}`).to.not.equal(null);
    return found!;
  }

  /** Same event, same keys in details (besides by), and by.via naming the door. */
  function sameShape(records: [Via, AuditRecord][]) {
    const keys = (r: AuditRecord) =>
      Object.keys(r.details ?? {})
        .filter((k) => k !== 'by')
        .sort();
    const [, first] = records[0]!;
    for (const [via, record] of records) {
      expect(record.event, via).to.equal(first.event);
      expect(keys(record), via).to.deep.equal(keys(first));
      expect(record.details?.by?.via, via).to.equal(via);
    }
    for (const [via, record] of records.filter(([via]) => via === 'api' || via === 'console'))
      expect(record.details?.by?.sub, `${via} names who`).to.be.a('string');
  }

  /** A browser session of the user, stored as oidc-provider stores one; its uid is what admins see. */
  async function giveSession(user: TestUser): Promise<{ uid: string; jti: string }> {
    const uid = randomBytes(8).toString('hex');
    const jti = randomBytes(16).toString('hex');
    const now = Math.floor(Date.now() / 1000);
    await new MongoAdapter(server.connection, 'Session').upsert(
      jti,
      { kind: 'Session', jti, uid, accountId: user.id, loginTs: now, amr: ['pwd'], iat: now, exp: now + 3600 },
      3600,
    );
    return { uid, jti };
  }

  it('disables a user through the CLI, the API and the console with one audit record shape', async () => {
    const [byCli, byApi, byConsole] = [await addUser(server), await addUser(server), await addUser(server)];
    await cli(['users', 'disable', byCli.email]);
    const read = await api('GET', `/users/${byApi.id}`);
    const patched = await api('PATCH', `/users/${byApi.id}`, { disabled: true }, { 'if-match': read.etag! });
    expect(patched.status).to.equal(200);
    expect(patched.body.disabled).to.equal(true);
    await consoleAction(byConsole, 'disable');
    sameShape([
      ['cli', await recordOf('admin.user.disabled', byCli.id)],
      ['api', await recordOf('admin.user.disabled', byApi.id)],
      ['console', await recordOf('admin.user.disabled', byConsole.id)],
    ]);
  });

  it('adds a user through the CLI and an applied configuration file with one audit record shape', async () => {
    const byCli = `doors-cli-${randomBytes(3).toString('hex')}@example.test`;
    const byConfig = `doors-config-${randomBytes(3).toString('hex')}@example.test`;
    const added = JSON.parse(await cli(['users', 'add', '--email', byCli, '--json'], 'a long doors password\n'));
    const file = join(mkdtempSync(join(tmpdir(), 'meshid-doors-')), 'meshid.yaml');
    writeFileSync(file, `users:\n  - email: ${byConfig}\n    name: Declared User\n    password: generated\n`);
    await cli(['apply', file]);
    const declared = JSON.parse(await cli(['users', 'list', '--json'])).find(
      (u: { email: string }) => u.email === byConfig,
    );
    sameShape([
      ['cli', await recordOf('admin.user.added', added.id)],
      ['config', await recordOf('admin.user.added', declared.id)],
    ]);
  });

  it('ends a session through the CLI, the API and the console with one audit record shape', async () => {
    const [byCli, byApi, byConsole] = [await addUser(server), await addUser(server), await addUser(server)];
    const sessions = [await giveSession(byCli), await giveSession(byApi), await giveSession(byConsole)];
    const listed = await api('GET', `/users/${byApi.id}/sessions`);
    expect(listed.body.items.map((s: { id: string }) => s.id)).to.deep.equal([sessions[1]!.uid]);
    expect(JSON.stringify(listed.body), 'the cookie value never leaves').to.not.include(sessions[1]!.jti);
    const shown = JSON.parse(await cli(['users', 'sessions', byCli.email, '--json']));
    expect(shown[0].id).to.equal(sessions[0]!.uid);

    await cli(['users', 'end-session', byCli.email, sessions[0]!.uid]);
    expect((await api('DELETE', `/users/${byApi.id}/sessions/${sessions[1]!.uid}`)).status).to.equal(204);
    const done = await consoleAction(byConsole, 'end-session');
    expect(done.html).to.include('Session ended.');
    for (const { jti } of sessions)
      expect(await new MongoAdapter(server.connection, 'Session').find(jti)).to.equal(undefined);
    sameShape([
      ['cli', await recordOf('admin.user.session_ended', byCli.id)],
      ['api', await recordOf('admin.user.session_ended', byApi.id)],
      ['console', await recordOf('admin.user.session_ended', byConsole.id)],
    ]);
    const again = await api('DELETE', `/users/${byApi.id}/sessions/${sessions[1]!.uid}`);
    expect(again.status).to.equal(404);
  });

  it('unlinks a sign-in through the CLI, the API and the console with one audit record shape', async () => {
    const users = [await addUser(server), await addUser(server), await addUser(server)] as const;
    for (const user of users)
      await createLink(
        server.connection,
        { idp: 'corp', iss: 'https://corp.example.test', sub: `sub-${user.id}`, email: user.email },
        user.id,
      );
    const [byCli, byApi, byConsole] = users;
    const cliLinks = JSON.parse(await cli(['users', 'links', byCli.email, '--json']));
    await cli(['users', 'unlink', byCli.email, cliLinks[0].id]);
    const apiLinks = await api('GET', `/users/${byApi.id}/links`);
    expect(apiLinks.body.items[0]).to.include({ idp: 'corp', email: byApi.email });
    expect((await api('DELETE', `/users/${byApi.id}/links/${apiLinks.body.items[0].id}`)).status).to.equal(204);
    expect((await consoleAction(byConsole, 'unlink')).html).to.include('Sign-in unlinked.');
    for (const user of users) expect((await api('GET', `/users/${user.id}/links`)).body.items).to.deep.equal([]);
    sameShape([
      ['cli', await recordOf('admin.user.unlinked', byCli.id)],
      ['api', await recordOf('admin.user.unlinked', byApi.id)],
      ['console', await recordOf('admin.user.unlinked', byConsole.id)],
    ]);
  });

  it('refuses in the CLI and the configuration file a name the API refuses (a bidi override)', async () => {
    const name = 'Admin\u202egnp.exe';
    const email = `doors-bidi-${randomBytes(3).toString('hex')}@example.test`;
    const byApi = await api('POST', '/users', { email, name });
    expect(byApi.status).to.equal(400);
    const byCli = await runAdmin(
      server,
      KEK,
      ['users', 'add', '--email', email, '--name', name],
      'a long doors password\n',
    );
    expect(byCli.code).to.equal(1);
    expect(byCli.stderr).to.include('name:');
    const file = join(mkdtempSync(join(tmpdir(), 'meshid-doors-')), 'meshid.yaml');
    writeFileSync(file, `users:\n  - email: ${email}\n    name: "Admin\\u202egnp.exe"\n    password: generated\n`);
    expect((await runAdmin(server, KEK, ['apply', file])).code).to.not.equal(0);
    const listed = await api('GET', `/users?q=${encodeURIComponent(email)}`);
    expect(listed.body.items).to.deep.equal([]);
  });
});
