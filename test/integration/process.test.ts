import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri, uniqueDatabaseName } from '../helpers/database.ts';

const ENTRY = new URL('../../provider/main.ts', import.meta.url).pathname;

function run(env: Record<string, string>) {
  // Only what the test names: the provider must not depend on anything else in the environment.
  const child = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return { child, output: () => ({ stdout, stderr }) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the provider process (npm start)', () => {
  // Development data goes to a folder of the test's own, not the working tree's .meshid/.
  const dataDir = () => mkdtempSync(join(tmpdir(), 'meshid-dev-'));

  it('starts with no configuration, prints the demo, serves, and exits 0 on SIGTERM', async () => {
    const { child, output } = run({ PORT: '0', DEV_DATA_DIR: dataDir() });
    // The banner is printed once start-up is complete, after the "listening" log line.
    await until(() => output().stdout.includes('Try client credentials:'), 'the demo banner');
    const { stdout, stderr } = output();
    expect(stderr).to.include('EMBEDDED IN-MEMORY').and.include('saved in');
    expect(stdout).to.include('Demo user:     demo@example.test  password: ');
    expect(stdout).to.include('demo-service   secret: ');
    expect(stdout).to.include('demo-exchanger secret: ');
    // The example command carries the secret it just printed, ready to paste.
    const serviceSecret = /demo-service\s+secret: (\S+)/.exec(stdout)![1]!;
    expect(stdout).to.include(`curl -s -u demo-service:${serviceSecret} `);

    const url = JSON.parse(stdout.split('\n').find((line) => line.includes('"msg":"listening"'))!).url as string;
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

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
  });

  it('keeps development data across a restart: the demo secret still works, --fresh starts over', async function () {
    this.timeout(60_000);
    const dir = dataDir();
    const start = async (args: string[] = []) => {
      const child = spawn(process.execPath, [ENTRY, ...args], {
        env: { PATH: process.env.PATH ?? '', PORT: '0', DEV_DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      await until(() => stdout.includes('Try client credentials:'), 'the demo banner');
      const url = JSON.parse(stdout.split('\n').find((line) => line.includes('"msg":"listening"'))!).url as string;
      const stop = async () => {
        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        expect(code, 'a clean stop').to.equal(0);
      };
      return { stdout, url, stop };
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
    const child = spawn(process.execPath, [ENTRY], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', DEV_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    await until(() => output.includes('Try client credentials:'), 'the demo banner');
    const url = JSON.parse(output.split('\n').find((line) => line.includes('"msg":"listening"'))!).url as string;
    const registered = await fetch(`${url}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5000/cb'], token_endpoint_auth_method: 'none' }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    process.kill(-child.pid!, 'SIGINT');
    const [code] = await once(child, 'exit');
    expect(code, 'a clean stop').to.equal(0);
    expect(output, 'no error on the way out').not.to.include('    at ');
    expect(readFileSync(join(dir, 'database.json'), 'utf8'), 'the last write was saved').to.include(clientId);
  });

  it('uses MONGODB_URI when given, and then seeds nothing unless asked', async () => {
    const { child, output } = run({
      PORT: '0',
      MONGODB_URI: testDatabaseUri(),
      MONGODB_DATABASE: uniqueDatabaseName('process'),
    });
    await until(() => output().stdout.includes('"msg":"listening"'), 'listening');
    expect(output().stderr).not.to.include('NOTHING IS KEPT');
    expect(output().stdout).not.to.include('Demo user');
    child.kill('SIGTERM');
    await once(child, 'exit');
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
      const { child, output } = run(env);
      const [code] = await once(child, 'exit');
      expect(code).to.equal(1);
      expect(output().stderr).to.include(variable);
      expect(output().stderr).not.to.include('    at ');
    });
  }
});
