import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { expect } from 'chai';

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
  it('starts with no configuration, prints the demo, serves, and exits 0 on SIGTERM', async () => {
    const { child, output } = run({ PORT: '0' });
    // The banner is printed once start-up is complete, after the "listening" log line.
    await until(() => output().stdout.includes('Try client credentials:'), 'the demo banner');
    const { stdout, stderr } = output();
    expect(stderr).to.include('NOTHING IS KEPT');
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
    expect(env).to.have.keys('MONGODB_URI', 'KEY_ENCRYPTION_KEY');
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
