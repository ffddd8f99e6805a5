import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { loadConfig } from '../../provider/config.ts';
import { withDevelopmentKeys } from '../../provider/dev-data/development-keys.ts';
import { startServer } from '../../provider/server.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { Browser } from '../helpers/browser.ts';
import {
  API,
  CALLBACK,
  addServiceClient,
  addUser,
  addWebClient,
  basicAuth,
  type TestClient,
} from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';
import { connectTestDatabase, testDatabaseUri, uniqueDatabaseName } from '../helpers/database.ts';
import { freePort } from '../../scripts/free-port.ts';

/** Frictions a new user met in the first hour: answers that say what went wrong, and where to go. */
describe('the first hour: errors that say what went wrong', () => {
  const t = useTestServer('first-hour', {
    user: false,
    setup: async (server) => ({
      web: await addWebClient(server, { grant_types: ['authorization_code', 'refresh_token'] }),
    }),
  });

  async function token(client: TestClient, params: Record<string, string>) {
    const response = await fetch(`${t.server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  async function freshCode() {
    const config = await relyingParty(t.server.issuer, t.web);
    const request = await authorizationRequest(config, { scope: 'openid offline_access', prompt: 'consent' });
    const browser = new Browser(t.server.issuer);
    const callback = await signIn(browser, request, await addUser(t.server));
    return { code: callback.searchParams.get('code')!, verifier: request.verifier, browser };
  }

  it('answers / with a page that says what this is, with links to the account and discovery', async () => {
    const response = await fetch(`${t.server.issuer}/`, { headers: { accept: 'text/html' } });
    expect(response.status).to.equal(200);
    const html = await response.text();
    expect(html).to.include('href="/account"').and.include('href="/.well-known/openid-configuration"');
  });

  it('names the cause of an invalid_grant where that is safe, and logs it with the client', async () => {
    const wrongVerifier = await token(t.web, {
      grant_type: 'authorization_code',
      ...withCode(await freshCode(), { code_verifier: 'x'.repeat(43) }),
    });
    expect(wrongVerifier.body).to.include({ error: 'invalid_grant' });
    expect(wrongVerifier.body.error_description).to.include('code_verifier');

    const wrongRedirect = await token(t.web, {
      grant_type: 'authorization_code',
      ...withCode(await freshCode(), { redirect_uri: 'http://127.0.0.1:9999/other' }),
    });
    expect(wrongRedirect.body.error_description).to.include('redirect_uri');

    const code = await freshCode();
    expect((await token(t.web, { grant_type: 'authorization_code', ...withCode(code) })).status).to.equal(200);
    const reused = await token(t.web, { grant_type: 'authorization_code', ...withCode(code) });
    expect(reused.body.error).to.equal('invalid_grant');
    expect(reused.body.error_description).to.include('already used');
    const revocation = await auditModel(t.server.connection)
      .findOne({ event: 'grant.revoked_on_reuse', client: t.web.clientId, 'details.grantType': 'authorization_code' })
      .lean();
    expect(revocation, 'the reused code is audited').to.not.equal(null);

    const logged = t.server.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'token request refused');
    expect(
      logged.some((line) => line.client === t.web.clientId && line.cause === 'authorization code already consumed'),
    ).to.equal(true);
  });

  it('audits a refresh-token replay that revoked a grant, and tells the user on the account page', async () => {
    const signedIn = await freshCode();
    const first = await token(t.web, { grant_type: 'authorization_code', ...withCode(signedIn) });
    const rotated = await token(t.web, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! });
    expect(rotated.status).to.equal(200);
    const replay = await token(t.web, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! });
    expect(replay.body.error_description).to.include('already used');
    const record = await auditModel(t.server.connection)
      .findOne({ event: 'grant.revoked_on_reuse', client: t.web.clientId })
      .sort({ _id: -1 })
      .lean();
    expect(record).to.not.equal(null);
    expect(record!.account).to.be.a('string');
    expect((record!.details as { grantId?: string }).grantId).to.be.a('string');
    const account = await signedIn.browser.open('/account');
    expect(account.html)
      .to.include('Access by Test Web App was revoked')
      .and.include('an old sign-in token was used again');
  });

  it('accepts the bearer scheme in any letter case (RFC 9110 11.1) at /validate and userinfo', async () => {
    const service = await addServiceClient(t.server, { resource_scopes: { [API]: ['orders:read'] } });
    const { body } = await token(service, { grant_type: 'client_credentials', resource: API, scope: 'orders:read' });
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const response = await fetch(`${t.server.issuer}/validate?audience=${encodeURIComponent(API)}`, {
        headers: { authorization: `${scheme} ${body.access_token}` },
      });
      expect(response.status, scheme).to.equal(200);
    }
    const config = await relyingParty(t.server.issuer, t.web);
    const request = await authorizationRequest(config);
    const callback = await signIn(new Browser(t.server.issuer), request, await addUser(t.server));
    const tokens = await token(t.web, {
      grant_type: 'authorization_code',
      ...withCode({ code: callback.searchParams.get('code')!, verifier: request.verifier }),
    });
    const userinfo = await fetch(`${t.server.issuer}/me`, {
      headers: { authorization: `bEaReR ${tokens.body.access_token}` },
    });
    expect(userinfo.status).to.equal(200);
  });

  it('refuses client credentials of which no requested scope may be granted (invalid_scope), narrows a partial one', async () => {
    const service = await addServiceClient(t.server, { resource_scopes: { [API]: ['orders:read'] } });
    const nothing = await token(service, { grant_type: 'client_credentials', resource: API, scope: 'orders:write' });
    expect(nothing.status).to.equal(400);
    expect(nothing.body.error).to.equal('invalid_scope');
    const partly = await token(service, {
      grant_type: 'client_credentials',
      resource: API,
      scope: 'orders:read orders:write',
    });
    expect(partly.body.scope).to.equal('orders:read');
  });
});

describe("the first hour: the README's production example", () => {
  it('starts as printed (its own keys, a real database) and serves discovery', async function () {
    this.timeout(60_000);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Running against a real MongoDB'));
    const printed = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    // Only the database is swapped for the test's; PORT and MONGODB_DATABASE come from outside.
    const script = printed.replace(/MONGODB_URI='[^']*'/, `MONGODB_URI='${testDatabaseUri()}'`);
    expect(script, 'the example names a database').not.to.equal(printed);
    const port = await freePort();
    const database = uniqueDatabaseName('readme-production');
    const child = spawn('bash', ['-ec', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        MONGODB_DATABASE: database,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: npm, the shell and node stop together, also when the test fails.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    try {
      for (let i = 0; !output.includes('"msg":"listening"'); i += 1) {
        expect(child.exitCode, output).to.equal(null);
        expect(i, `still not listening:\n${output}`).to.be.below(1000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const discovery = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
      expect(discovery.status).to.equal(200);
      expect(((await discovery.json()) as { issuer: string }).issuer).to.equal('https://id.example.com');
      expect(output).not.to.include('configuration:');
    } finally {
      if (child.exitCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await once(child, 'exit');
      }
      const connection = await connectTestDatabase(database);
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  });
});

describe("the first hour: the demo banner's admin commands survive a restart", () => {
  it('keeps the embedded database on its port for a kept data folder, and prints every key', async function () {
    this.timeout(90_000);
    const dir = mkdtempSync(join(tmpdir(), 'meshid-port-'));
    const start = async () =>
      startServer(await withDevelopmentKeys(loadConfig({ PORT: '0', DEV_DATA_DIR: dir, LOG_LEVEL: 'silent' })));
    const first = await start();
    let second: Awaited<ReturnType<typeof start>> | undefined;
    try {
      const printed = first.adminEnvironment!;
      expect(printed).to.have.keys('MONGODB_URI', 'KEY_ENCRYPTION_KEY', 'MFA_ENCRYPTION_KEY');
      await first.close();
      second = await start();
      expect(second.adminEnvironment).to.deep.equal(printed);
      // The first run's command, pasted while the second runs.
      const list = await runAdminWith(printed, ['clients', 'list', '--json']);
      expect(list.code, list.stderr).to.equal(0);
      expect((JSON.parse(list.stdout) as { client_id: string }[]).map((c) => c.client_id)).to.include('demo-web-1');
    } finally {
      await first.close().catch(() => undefined);
      await second?.close();
    }
  });
});

function withCode(
  { code, verifier }: { code: string; verifier: string; browser?: Browser },
  overrides: Record<string, string> = {},
) {
  return { code, code_verifier: verifier, redirect_uri: CALLBACK, ...overrides };
}
