import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { childPids } from '../../scripts/bench/process-cpu.ts';
import { startProcessGroup, stopProcessGroups } from '../helpers/process-group.ts';

const ENTRY = new URL('../../provider/main.ts', import.meta.url).pathname;

const ready = (stdout: string) => stdout.includes('Try client credentials:') && stdout.includes('"msg":"listening"');
const listeningUrl = (stdout: string) =>
  JSON.parse(stdout.split('\n').find((line) => line.includes('"msg":"listening"'))!).url as string;

/** `npm start` in development, on a free port, keeping its data in `dir`. */
async function startDevelopment(dir: string) {
  const provider = startProcessGroup(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', DEV_DATA_DIR: dir },
  });
  await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
  return { provider, url: listeningUrl(provider.stdout()) };
}

/** The embedded database's process: the provider's child running the jongodb binary. */
function databasePid(providerPid: number): number {
  const pid = childPids(providerPid).find((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('jongodb');
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error('no embedded database child found');
  return pid;
}

/** Gone, or a zombie nobody reaps (its port and memory are released either way). */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function register(url: string): Promise<string> {
  const response = await fetch(`${url}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5000/cb'], token_endpoint_auth_method: 'none' }),
  });
  expect(response.status).to.equal(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

describe('development under faults: the embedded database', function () {
  // Each test starts the provider and its embedded database, one of them twice: slow on a loaded machine.
  this.timeout(120_000);
  const dataDir = () => mkdtempSync(join(tmpdir(), 'meshid-dev-'));
  afterEach(stopProcessGroups);

  it('a killed database ends the provider with an error, never left half alive', async () => {
    const { provider, url } = await startDevelopment(dataDir());
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    process.kill(databasePid(provider.pid), 'SIGKILL');
    // A supervisor (or the developer) restarts the pair; the data comes back from the snapshot.
    expect(await provider.exited)
      .to.be.a('number')
      .and.not.equal(0);
    expect(provider.stdout() + provider.stderr()).to.include('embedded database exited');
  });

  it('a SIGKILLed provider takes its database with it', async () => {
    const { provider } = await startDevelopment(dataDir());
    const database = databasePid(provider.pid);
    process.kill(provider.pid, 'SIGKILL');
    await provider.exited;
    // Bounded by the test's timeout: the kernel signals the child as its parent dies.
    while (!isGone(database)) await sleep(50);
  });

  it('keeps a client created a moment before the provider is SIGKILLed', async () => {
    const dir = dataDir();
    const first = await startDevelopment(dir);
    const clientId = await register(first.url);
    // A change is saved within a second (debounced), not at the next 15-second tick.
    await sleep(1500);
    process.kill(first.provider.pid, 'SIGKILL');
    await first.provider.exited;

    const second = await startDevelopment(dir);
    const found = await fetch(`${second.url}/.well-known/openid-configuration`);
    expect(found.status).to.equal(200);
    expect(readFileSync(join(dir, 'database.json'), 'utf8'), 'the client was saved').to.include(clientId);
    expect(second.provider.stdout()).to.match(/"msg":"development data restored"/);
    await second.provider.stop();
  });
});
