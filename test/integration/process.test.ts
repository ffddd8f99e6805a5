import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { createConnection } from 'mongoose';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { freePort } from '../../scripts/free-port.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { Browser } from '../helpers/browser.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { enrollTotp, totpCode } from '../helpers/totp.ts';
import { testDatabaseUri, uniqueDatabaseName } from '../helpers/database.ts';
import { startProcessGroup, stopProcessGroups } from '../helpers/process-group.ts';

const ENTRY = new URL('../../provider/main.ts', import.meta.url).pathname;

/** `npm start` with only what the test names: the provider must not depend on anything else in the environment. */
function run(env: Record<string, string>, args: string[] = []) {
  return startProcessGroup(process.execPath, [ENTRY, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
}

/** Start-up done: the demo banner and the "listening" log line (the logger may write it after the banner). */
const ready = (stdout: string) => stdout.includes('Try client credentials:') && stdout.includes('"msg":"listening"');

/** The URL from the "listening" log line. */
const listeningUrl = (stdout: string) =>
  JSON.parse(stdout.split('\n').find((line) => line.includes('"msg":"listening"'))!).url as string;

describe('the provider process (npm start)', function () {
  // Each test starts the provider and its embedded database (three times in one): slow on a loaded machine.
  this.timeout(120_000);
  // Development data goes to a folder of the test's own, not the working tree's .meshid/.
  const dataDir = () => mkdtempSync(join(tmpdir(), 'meshid-dev-'));
  // A failed or timed-out test leaves no provider (nor its database) behind.
  afterEach(stopProcessGroups);

  it('starts with no configuration, prints the demo, serves, and exits 0 on SIGTERM', async () => {
    const provider = run({ PORT: '0', DEV_DATA_DIR: dataDir() });
    await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
    const [stdout, stderr] = [provider.stdout(), provider.stderr()];
    expect(stderr).to.include('EMBEDDED IN-MEMORY').and.include('saved in');
    expect(stdout).to.include('Demo user:     demo@example.test  password: ');
    expect(stdout).to.include('demo-service   secret: ');
    expect(stdout).to.include('demo-exchanger secret: ');
    // The example command carries the secret it just printed, ready to paste.
    const serviceSecret = /demo-service\s+secret: (\S+)/.exec(stdout)![1]!;
    expect(stdout).to.include(`curl -s -u demo-service:${serviceSecret} `);

    const url = listeningUrl(stdout);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.deep.equal({ status: 'ok' });

    // The banner's admin command reaches this process's embedded database.
    const adminLine = stdout.split('\n').find((line) => line.includes('npm run admin -- clients list'))!;
    const env = Object.fromEntries([...adminLine.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(env).to.have.keys('MONGODB_URI', 'KEY_ENCRYPTION_KEY', 'MFA_ENCRYPTION_KEY');
    const list = await runAdminWith(env, ['clients', 'list', '--json']);
    expect(list.code, list.stderr).to.equal(0);
    expect((JSON.parse(list.stdout) as { client_id: string }[]).map((c) => c.client_id)).to.include('demo-web-1');
    const added = await runAdminWith(env, [
      'clients',
      'add',
      '--type',
      'service',
      '--name',
      'From the banner',
      '--resource',
      'https://api.example.test',
      '--json',
    ]);
    expect(added.code, added.stderr).to.equal(0);
    const verified = await runAdminWith(env, ['audit', 'verify']);
    expect(verified.stdout, verified.stderr).to.include('audit chain intact');

    expect(await provider.stop()).to.equal(0);
  });

  it('a second instance started from what the banner prints signs a TOTP user in', async () => {
    const first = run({ PORT: '0', DEV_DATA_DIR: dataDir() });
    await first.waitFor(() => ready(first.stdout()), 'the demo banner');
    const stdout = first.stdout();
    const lines = stdout.split('\n');
    const command = lines[lines.findIndex((line) => line.startsWith('Run a second instance')) + 1]!;
    const env = Object.fromEntries(
      [...command.matchAll(/([A-Z_]+)=(\S+)/g)].filter((m) => m[1] !== 'PORT').map((m) => [m[1]!, m[2]!]),
    );
    expect(command).to.include('npm start');
    const password = /Demo user:\s+demo@example\.test\s+password: (\S+)/.exec(stdout)![1]!;
    const clientSecret = /demo-web-1\s+secret: (\S+)/.exec(stdout)![1]!;

    // The demo user enrolls an authenticator app (on the first instance's database, under its key).
    const connection = await createConnection(env.MONGODB_URI!).asPromise();
    let secret: string;
    try {
      const account = await accountModel(connection).findOne({ email: 'demo@example.test' }).lean();
      const asServer = { connection } as Parameters<typeof enrollTotp>[0];
      secret = await enrollTotp(
        asServer,
        { id: account!._id, email: 'demo@example.test' } as never,
        env.MFA_ENCRYPTION_KEY!,
      );
    } finally {
      await connection.close();
    }

    // "PORT=<another port>": the issuer follows the port, as for anyone trying it by hand.
    const port = await freePort();
    const second = run({ ...env, PORT: String(port) });
    await second.waitFor(() => second.stdout().includes('"msg":"listening"'), 'the second instance listening');
    const issuer = `http://localhost:${port}`;
    const config = await relyingParty(issuer, { clientId: 'demo-web-1', clientSecret });
    const request = await authorizationRequest(config, { redirect_uri: 'http://127.0.0.1:4401/callback' });
    const browser = new Browser(issuer);
    const login = await browser.submit(await browser.open(request.url), '/login', {
      email: 'demo@example.test',
      password,
    });
    expect(login.html).to.include('Two-step verification');
    let page = await browser.submit(login, '/mfa', { code: await totpCode(secret) });
    if (page.html.includes('/confirm"')) page = await browser.submit(page, '/confirm');
    expect(page.leftTo?.searchParams.get('code'), page.html.slice(0, 400)).to.be.a('string');
    expect(await second.stop()).to.equal(0);
    expect(await first.stop()).to.equal(0);
  });

  it('keeps development data across a restart: the demo secret still works, --fresh starts over', async () => {
    const dir = dataDir();
    const start = async (args: string[] = []) => {
      const provider = run({ PORT: '0', DEV_DATA_DIR: dir }, args);
      await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
      const stdout = provider.stdout();
      const stop = async () => {
        expect(await provider.stop(), `a clean stop:\n${provider.stderr()}`).to.equal(0);
      };
      return { stdout, url: listeningUrl(stdout), stop };
    };
    const clientCredentials = (url: string, secret: string) =>
      fetch(`${url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`demo-service:${secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=orders:read',
      });

    const first = await start();
    expect(first.stdout).to.include(`Data:          kept in ${dir}/`);
    const secret = /demo-service\s+secret: (\S+)/.exec(first.stdout)![1]!;
    await first.stop();
    expect(existsSync(join(dir, 'database.json')), 'saved at a clean stop').to.equal(true);

    const second = await start();
    expect(second.stdout).to.include('(created earlier; only its hash is stored)');
    expect(second.stdout).to.include('npm run admin -- clients rotate-secret demo-web-1');
    const token = await clientCredentials(second.url, secret);
    expect(token.status, "the first run's secret works after the restart").to.equal(200);
    // The keys are kept too: the token verifies against this run's JWKS.
    const { access_token: jwt } = (await token.json()) as { access_token: string };
    const jwks = createRemoteJWKSet(new URL(`${second.url}/jwks`));
    await jwtVerify(jwt, jwks);
    await second.stop();

    const fresh = await start(['--fresh']);
    expect(/demo-service\s+secret: (\S+)/.exec(fresh.stdout)![1]).to.not.equal(secret);
    expect((await clientCredentials(fresh.url, secret)).status).to.equal(401);
    await fresh.stop();
  });

  it('saves what was written just before Ctrl-C, which signals the whole process group', async () => {
    const dir = dataDir();
    // Its own process group, as a terminal's foreground job is: Ctrl-C reaches every member.
    const provider = startProcessGroup(process.execPath, [ENTRY], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', DEV_DATA_DIR: dir },
      mergeOutput: true,
    });
    await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
    const url = listeningUrl(provider.stdout());
    const registered = await fetch(`${url}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5000/cb'], token_endpoint_auth_method: 'none' }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    expect(await provider.stop('SIGINT'), 'a clean stop').to.equal(0);
    const output = provider.stdout();
    expect(output, 'no error on the way out').not.to.include('    at ');
    expect(readFileSync(join(dir, 'database.json'), 'utf8'), 'the last write was saved').to.include(clientId);
  });

  it('uses MONGODB_URI when given, and then seeds nothing unless asked', async () => {
    const provider = run({
      PORT: '0',
      MONGODB_URI: testDatabaseUri(),
      MONGODB_DATABASE: uniqueDatabaseName('process'),
    });
    await provider.waitFor(() => provider.stdout().includes('"msg":"listening"'), 'listening');
    expect(provider.stderr()).not.to.include('NOTHING IS KEPT');
    expect(provider.stdout()).not.to.include('Demo user');
    await provider.stop();
  });

  for (const [label, env, variable] of [
    [
      'refuses the embedded database in production',
      { NODE_ENV: 'production', ISSUER: 'https://id.example.com' },
      'MONGODB_URI',
    ],
    ['stops on a bad variable, naming it', { PORT: 'abc' }, 'PORT'],
  ] as [string, Record<string, string>, string][]) {
    it(label, async () => {
      const provider = run(env);
      expect(await provider.exited).to.equal(1);
      expect(provider.stderr()).to.include(variable);
      expect(provider.stderr()).not.to.include('    at ');
    });
  }
});
