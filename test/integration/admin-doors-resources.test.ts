import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import type { AdminDeps } from '../../provider/admin/admin-deps.ts';
import { type AuditView, queryAudit } from '../../provider/admin/audit.ts';
import { getResource, listResources, saveResource } from '../../provider/admin/resources.ts';
import { adminApiToken } from '../helpers/admin-api.ts';
import { signInToAdminConsole } from '../helpers/admin-console.ts';
import { runAdminWithIssuer } from '../helpers/admin-cli.ts';
import type { Browser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 29).toString('base64');
const MFA_KEY = Buffer.alloc(32, 30).toString('base64');

/** APIs (resource servers) through every door: the same service, the same refusals, the same audit record. */
describe('admin doors: APIs', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('admin-doors-resources', {
      KEY_ENCRYPTION_KEY: KEK,
      MFA_ENCRYPTION_KEY: MFA_KEY,
      CLIENT_CACHE_TTL: '0',
    });
  });
  after(() => server.stop());

  /** The CLI on the server's database, with its issuer: the admin API it knows is the server's. */
  const cli = (args: string[]) => runAdminWithIssuer(server, KEK, args);

  const deps = (): AdminDeps => ({
    connection: server.connection,
    audit: server.audit,
    provider: () => server.provider,
    actor: { via: 'cli' },
    issuer: server.issuer,
    keys: { encryptionKey: Buffer.from(KEK, 'base64'), retiredRetentionSeconds: 3600 },
  });

  it('refuses the provider’s own admin API on the CLI, as the API does', async () => {
    const own = adminApiIndicator(server.issuer);
    const before = await getResource(deps(), own);
    const result = await cli(['resources', 'add', own, '--name', 'Hijacked', '--scope', 'admin:clients']);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('own admin API');
    expect(await getResource(deps(), own)).to.deep.equal(before);
  });

  it('refuses an access-token lifetime outside 60 to 86400 seconds in the service, whoever calls it', async () => {
    for (const ttl of [59, 86_401, 90.5]) {
      const refused = await saveResource(deps(), {
        indicator: 'https://ttl.doors.example',
        name: 'TTL',
        scopes: [],
        access_token_ttl: ttl,
      }).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(refused?.message, String(ttl)).to.include('access_token_ttl');
    }
    const cliRefused = await cli(['resources', 'add', 'https://ttl.doors.example', '--name', 'TTL', '--ttl', '59']);
    expect(cliRefused.code).to.not.equal(0);
    expect(cliRefused.stderr).to.include('60');
  });

  const apiToken = () => adminApiToken(server, 'admin:resources');

  /** An administrator signed in to the console with their second factor (as admin-console.test.ts does). */
  async function consoleAdmin(): Promise<Browser> {
    const { browser, page: done } = await signInToAdminConsole(server, MFA_KEY);
    expect(done.url.pathname).to.equal('/admin');
    return browser;
  }

  /** The newest audit record of `event` about this API. */
  async function recordOf(event: string, indicator: string): Promise<AuditView> {
    const records = await queryAudit(deps(), { event, limit: 200 });
    const found = records.find((record) => record.details?.indicator === indicator);
    if (!found) throw new Error(`no ${event} record for ${indicator}`);
    return found;
  }

  it('saves an API through the CLI, the API, the console and a configuration file with one audit record shape', async () => {
    const cliApi = 'https://cli.doors.example';
    const apiApi = 'https://api.doors.example';
    const consoleApi = 'https://console.doors.example';
    const configApi = 'https://config.doors.example';

    const cliResult = await cli(['resources', 'add', cliApi, '--name', 'Via CLI', '--scope', 'a:read']);
    expect(cliResult.code, cliResult.stderr).to.equal(0);

    const put = await fetch(`${server.issuer}/admin/api/v1/resources/${encodeURIComponent(apiApi)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await apiToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Via API', scopes: ['a:read'] }),
    });
    expect(put.status, await put.clone().text()).to.equal(200);

    const browser = await consoleAdmin();
    const saved = await browser.submit(await browser.open('/admin/apis'), '/admin/apis', {
      indicator: consoleApi,
      name: 'Via console',
      scopes: 'a:read',
      scope_access: 'open',
    });
    expect(saved.html).to.include('Via console');

    const file = join(mkdtempSync(join(tmpdir(), 'meshid-doors-')), 'meshid.yaml');
    writeFileSync(file, `resources:\n  - indicator: ${configApi}\n    name: Via config\n    scopes: [a:read]\n`);
    const applied = await cli(['apply', file]);
    expect(applied.code, applied.stderr).to.equal(0);

    const doors = [
      ['cli', cliApi],
      ['api', apiApi],
      ['console', consoleApi],
      ['config', configApi],
    ] as const;
    const records = await Promise.all(doors.map(([, indicator]) => recordOf('admin.resource.saved', indicator)));
    const shape = (record: AuditView) => {
      const { by: _by, ...rest } = record.details ?? {};
      return { event: record.event, outcome: record.outcome, details: Object.keys(rest).sort() };
    };
    for (const [index, [via]] of doors.entries()) {
      expect(shape(records[index]!), via).to.deep.equal(shape(records[0]!));
      expect((records[index]!.details?.by as { via?: string } | undefined)?.via).to.equal(via);
    }
    for (const [, indicator] of doors) expect((await getResource(deps(), indicator)).scopes).to.deep.equal(['a:read']);
  });

  it('refuses the provider’s own admin API through every door alike', async () => {
    const own = adminApiIndicator(server.issuer);
    const before = await getResource(deps(), own);
    const token = await apiToken();
    const url = `${server.issuer}/admin/api/v1/resources/${encodeURIComponent(own)}`;
    const read = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const put = await fetch(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'if-match': read.headers.get('etag') ?? '',
      },
      body: JSON.stringify({ name: 'Hijacked', scopes: [] }),
    });
    expect(put.status).to.equal(400);
    expect(((await put.json()) as { detail?: string }).detail).to.include('own admin API');
    const browser = await consoleAdmin();
    const page = await browser.submit(await browser.open('/admin/apis'), '/admin/apis', {
      indicator: own,
      name: 'Hijacked',
      scopes: 'admin:clients',
      scope_access: 'open',
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.include('own admin API');
    for (const args of [
      ['resources', 'access', own, '--scopes', 'open'],
      ['resources', 'scopes', own, 'admin:clients'],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).to.not.equal(0);
      expect(result.stderr, args.join(' ')).to.include('own admin API');
    }
    expect(await getResource(deps(), own)).to.deep.equal(before);
  });

  it('deletes an API through the CLI, the API, the console and a pruning file with one audit record shape', async () => {
    const doors = [
      ['cli', 'https://cli-gone.doors.example'],
      ['api', 'https://api-gone.doors.example'],
      ['console', 'https://console-gone.doors.example'],
      ['config', 'https://config-gone.doors.example'],
    ] as const;
    for (const [, indicator] of doors) await saveResource(deps(), { indicator, name: 'Doomed', scopes: [] });

    const cliResult = await cli(['resources', 'remove', doors[0][1]]);
    expect(cliResult.code, cliResult.stderr).to.equal(0);

    const token = await apiToken();
    const url = `${server.issuer}/admin/api/v1/resources/${encodeURIComponent(doors[1][1])}`;
    const read = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const removed = await fetch(url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, 'if-match': read.headers.get('etag') ?? '' },
    });
    expect(removed.status).to.equal(204);

    const browser = await consoleAdmin();
    const page = await browser.submit(await browser.open('/admin/apis'), '/admin/apis/delete', {
      indicator: doors[2][1],
      confirm: doors[2][1],
    });
    expect(page.html).to.include('deleted');

    // The file declares every API still there but the last one: pruning deletes only that one.
    const kept = (await listResources(deps(), { limit: 200 })).filter(
      (api) => api.indicator !== doors[3][1] && api.indicator !== adminApiIndicator(server.issuer),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'meshid-doors-')), 'meshid.yaml');
    writeFileSync(
      file,
      `resources:\n${kept.map((api) => `  - indicator: ${api.indicator}\n    name: ${api.name}\n    scopes: [${api.scopes.join(', ')}]\n`).join('')}`,
    );
    const pruned = await cli(['apply', file, '--prune']);
    expect(pruned.code, pruned.stderr).to.equal(0);
    expect(pruned.stdout).to.include(`- resource ${doors[3][1]}`);

    const records = await Promise.all(doors.map(([, indicator]) => recordOf('admin.resource.deleted', indicator)));
    for (const [index, [via]] of doors.entries()) {
      expect(Object.keys(records[index]!.details ?? {}).sort(), via).to.deep.equal(['by', 'indicator']);
      expect((records[index]!.details?.by as { via?: string } | undefined)?.via).to.equal(via);
      await getResource(deps(), doors[index]![1]).then(
        () => expect.fail(`${via}: still there`),
        () => undefined,
      );
    }
  });
});
