import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { type AdminApi, adminApi, adminApiToken } from '../helpers/admin-api.ts';
import { signInToAdminConsole } from '../helpers/admin-console.ts';
import { runAdmin, runAdminWithIssuer } from '../helpers/admin-cli.ts';
import type { Browser, Page } from '../helpers/browser.ts';
import { addApi, addUser, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 29).toString('base64');
const MFA_KEY = Buffer.alloc(32, 31).toString('base64');
const DOORS_API = 'https://doors.access.example';

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

type Details = Record<string, unknown> & { by: { via: string } };

/**
 * Groups and roles have one service: a change made through the CLI, the admin API, the console
 * and a configuration file is checked the same way and leaves the same audit record.
 */
describe('roles and groups: every door reaches the same operations', function () {
  this.timeout(120_000);
  let server: TestServer;
  let token: string;
  let desk: { browser: Browser; page: Page };
  let member: TestUser;

  const cli = (args: string[]) => runAdmin(server, KEK, args);

  const api: AdminApi = (...call) => adminApi(server, token)(...call);

  before(async () => {
    server = await startTestServer('admin-doors-access', { KEY_ENCRYPTION_KEY: KEK, MFA_ENCRYPTION_KEY: MFA_KEY });
    await addApi(server, DOORS_API, ['doors:read', 'doors:write']);
    member = await addUser(server);

    token = await adminApiToken(server, 'admin:roles admin:roles:read');

    const { browser, page } = await signInToAdminConsole(server, MFA_KEY);
    desk = { browser, page };
  });
  after(() => server.stop());

  /** The one record of `event` about `subject` (a group or a role name) made through `via`. */
  async function recordOf(event: string, key: 'group' | 'role' | 'subject', subject: string, via: string) {
    const found = await auditModel(server.connection)
      .find({ event, [`details.${key}`]: subject, 'details.by.via': via })
      .lean();
    expect(found, `${event} ${subject} via ${via}`).to.have.length(1);
    return found[0]!.details as Details;
  }
  const keysBesidesBy = (details: Details) =>
    Object.keys(details)
      .filter((key) => key !== 'by')
      .sort();

  it('adds a group, a member, a role and a grant through each door with the same audit record', async () => {
    // CLI
    for (const args of [
      ['groups', 'add', 'g-cli'],
      ['groups', 'add-member', 'g-cli', member.email],
      ['roles', 'add', DOORS_API, 'r-cli', '--scopes', 'doors:read'],
      ['groups', 'grant-role', 'g-cli', DOORS_API, 'r-cli'],
    ]) {
      const done = await cli(args);
      expect(done.code, `${args.join(' ')}: ${done.stderr}`).to.equal(0);
    }

    // admin API
    const enc = encodeURIComponent(DOORS_API);
    expect((await api('POST', '/groups', { name: 'g-api' })).status).to.equal(201);
    expect((await api('PUT', `/groups/g-api/members/${member.id}`)).status).to.equal(204);
    expect((await api('PUT', `/roles/${enc}/r-api`, { scopes: ['doors:read'] })).status).to.equal(200);
    expect((await api('PUT', `/roles/${enc}/r-api/holders/group/g-api`)).status).to.equal(204);
    const shown = await api('GET', `/roles/${enc}/r-api`);
    expect(shown.body.holders).to.deep.equal([{ kind: 'group', subject: 'g-api' }]);
    const group = await api('GET', '/groups/g-api');
    expect(group.body.members).to.deep.equal([{ id: member.id, email: member.email, source: 'admin' }]);

    // console
    const { browser } = desk;
    const added = await browser.submit(await browser.open('/admin/groups'), '/admin/groups', { name: 'g-console' });
    expect(added.status, added.html).to.equal(200);
    expect(added.url.pathname).to.equal('/admin/groups/g-console');
    const joined = await browser.submit(added, '/members', { email: member.email });
    expect(joined.html).to.include(member.email);
    const roles = await browser.open('/admin/roles');
    // The first form ending in /admin/roles is the API filter (GET): the new role's form is posted with its token.
    const saved = await browser.submit(roles, '/admin/roles', {
      csrf: csrfOf(roles.html),
      resource: DOORS_API,
      role: 'r-console',
      scopes: 'doors:read',
      description: '',
    });
    expect(saved.status, saved.html).to.equal(200);
    const granted = await browser.submit(saved, '/admin/roles/grant', {
      resource: DOORS_API,
      role: 'r-console',
      kind: 'group',
      subject: 'g-console',
    });
    expect(granted.status, granted.html).to.equal(200);
    expect(granted.html).to.include('g-console now holds r-console');

    // configuration file
    const file = join(mkdtempSync(join(tmpdir(), 'meshid-doors-')), 'access.yaml');
    writeFileSync(
      file,
      `
resources:
  - indicator: ${DOORS_API}
    name: Test API
    scopes: [doors:read, doors:write]
    roles:
      - { name: r-config, scopes: [doors:read] }
groups:
  - name: g-config
    members: [${member.email}]
    roles: [{ resource: ${DOORS_API}, role: r-config }]
`,
    );
    const applied = await cli(['apply', file]);
    expect(applied.code, applied.stderr).to.equal(0);

    const doors = { cli: 'cli', api: 'api', console: 'console', config: 'config' } as const;
    for (const [event, key, name] of [
      ['admin.group.added', 'group', 'g'],
      ['admin.group.member_added', 'group', 'g'],
      ['admin.role.saved', 'role', 'r'],
      ['admin.role.granted', 'subject', 'g'],
    ] as const) {
      const records = await Promise.all(
        Object.entries(doors).map(([door, via]) => recordOf(event, key, `${name}-${door}`, via)),
      );
      for (const details of records) {
        expect(keysBesidesBy(details), event).to.deep.equal(keysBesidesBy(records[0]!));
      }
      expect(records.map((d) => d.by.via)).to.deep.equal(['cli', 'api', 'console', 'config']);
    }
  });

  it('refuses the same bad input at every door: the CLI and the console as the API does', async () => {
    const long = 'x'.repeat(201);
    const viaApi = await api('POST', '/groups', { name: 'too-long', description: long });
    expect(viaApi.status).to.equal(400);
    const viaCli = await cli(['groups', 'add', 'too-long', '--description', long]);
    expect(viaCli.code).to.equal(1);
    expect(viaCli.stderr).to.include('description');
    const viaConsole = await desk.browser.submit(await desk.browser.open('/admin/groups'), '/admin/groups', {
      name: 'too-long',
      description: long,
    });
    expect(viaConsole.status).to.equal(400);
    expect(viaConsole.html).to.include('description');
    const listed = await cli(['groups', 'list', '--json']);
    expect(listed.stdout).to.not.include('too-long');

    // A role of something that is not an API indicator (a URL) is refused before any lookup.
    const notUrl = await cli(['roles', 'add', 'not-a-url', 'reader']);
    expect(notUrl.code).to.equal(1);
    expect(notUrl.stderr).to.include('resource');
    expect((await api('PUT', '/roles/not-a-url/reader', { scopes: [] })).status).to.equal(400);
  });

  it("refuses to delete or rewrite the admin API's own roles at every door", async () => {
    const indicator = adminApiIndicator(server.issuer);
    const path = `/roles/${encodeURIComponent(indicator)}`;
    expect((await api('DELETE', `${path}/viewer`)).status).to.equal(400);
    expect((await api('PUT', `${path}/admin`, { scopes: [] })).status).to.equal(400);
    // The CLI knows the admin API by its ISSUER, as docs/admin.md says it must be given.
    const viaCli = await runAdminWithIssuer(server, KEK, ['roles', 'delete', indicator, 'admin']);
    expect(viaCli.code).to.equal(1);
    expect(viaCli.stderr).to.include('admin API');
    const viaConsole = await desk.browser.submit(await desk.browser.open('/admin/roles'), '/admin/roles/delete', {
      resource: indicator,
      role: 'admin',
    });
    expect(viaConsole.status).to.equal(400);
    const left = await api('GET', `${path}/admin`);
    expect(left.status).to.equal(200);
    expect((await api('GET', `${path}/viewer`)).status).to.equal(200);
  });

  it('takes a member out, revokes and deletes from the console, each audited as the console', async () => {
    const { browser } = desk;
    const page = await browser.open('/admin/groups/g-console');
    const removed = await browser.submit(page, '/members/remove', { user: member.id });
    expect(removed.html).to.include('Member removed.');
    const revoked = await browser.submit(await browser.open('/admin/roles'), '/admin/roles/revoke', {
      resource: DOORS_API,
      role: 'r-console',
      kind: 'group',
      subject: 'g-console',
    });
    expect(revoked.html).to.include('g-console no longer holds r-console');
    const deleted = await browser.submit(await browser.open('/admin/roles'), '/admin/roles/delete', {
      resource: DOORS_API,
      role: 'r-console',
    });
    expect(deleted.html).to.include('Role r-console deleted.');
    const gone = await browser.submit(await browser.open('/admin/groups/g-console'), '/delete');
    expect(gone.url.pathname).to.equal('/admin/groups');
    expect(gone.html).to.include('Group g-console deleted.');
    for (const event of [
      'admin.group.member_removed',
      'admin.role.revoked',
      'admin.role.deleted',
      'admin.group.deleted',
    ]) {
      const found = await auditModel(server.connection).find({ event, 'details.by.via': 'console' }).lean();
      expect(found, event).to.have.length(1);
    }
  });
});
