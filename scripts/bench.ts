/**
 * npm run bench [-- --quick]
 *
 * Starts the provider (its own process, embedded database unless MONGODB_URI is set, demo seed)
 * and, as the ceiling, a bare oidc-provider of the same version; drives both from this process
 * with autocannon on 127.0.0.1; prints the results and writes docs/BENCHMARKS.md. Every run is
 * bounded in time and request count. --quick shortens the runs (not for publishing).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import { SignJWT, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';

import { freePort } from './free-port.ts';
import { type PasswordHashingConfig, passwordHashing } from '../provider/config.ts';
import { OWASP_HASHING, hashPassword, verifyPassword } from '../provider/accounts/password.ts';
import { startChild, type Child } from './bench/child.ts';
import { scriptArgs } from './cli-args.ts';
import { replaceGeneratedSection } from './bench/report-section.ts';
import { lineChart } from './bench/svg-chart.ts';
import { load, type LoadOptions, type LoadResult } from './bench/load.ts';
import { refreshLoad } from './bench/refresh-chains.ts';
import { signInLoad, signInOnce, type FlowTarget } from './bench/sign-in-flow.ts';

const USAGE = `Usage: npm run bench [-- --quick]

Load-tests the provider against a bare oidc-provider in the same run (autocannon on 127.0.0.1)
and rewrites the generated section of docs/BENCHMARKS.md. Takes about ten minutes.

  --quick   a short run (about a minute: one round, the main scenarios) that writes nothing
  --help    this text

MONGODB_URI runs the provider on that database instead of the embedded one; PROVIDER_NODE_OPTIONS
is passed to the provider's process as NODE_OPTIONS (e.g. --max-semi-space-size=8, to measure a
memory setting). PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_ITERATIONS start the provider with that
argon2id profile and measure the floor with it too.`;
const values = scriptArgs(USAGE, { quick: { type: 'boolean', default: false } });
const SECONDS = values.quick ? 2 : 5;
const WARMUP = values.quick ? 1 : 2;
const SOAK = values.quick ? 5_000 : 100_000;
/** A quick run: one round instead of three, the main scenarios only (about a minute). */
const ROUNDS = values.quick ? 1 : 3;
/** Refreshes in the growth curve (full runs only): the embedded database slows as its lists grow. */
const DECAY_REFRESHES = 2000;
const API = 'https://api.example.test';
/** PASSWORD_HASH_* of this shell (OWASP's default profile when unset), for the provider and the floor. */
const configuredHashing = passwordHashing(process.env);
const sameProfile = (a: PasswordHashingConfig, b: PasswordHashingConfig) =>
  a.memoryKiB === b.memoryKiB && a.iterations === b.iterations;
const profileName = (profile: PasswordHashingConfig) =>
  `${profile.memoryKiB} KiB × ${profile.iterations} pass${profile.iterations === 1 ? '' : 'es'}`;

interface Row {
  scenario: string;
  connections: number | string;
  result: LoadResult | { rps: number; p50: number | string; p99: number | string; errors: number };
}
const rows: Row[] = [];
const log = (line: string) => process.stdout.write(`${line}\n`);

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function secretOf(output: string, clientId: string): string {
  const match = new RegExp(`^\\s+${clientId}\\s+secret: (\\S+)`, 'm').exec(output);
  if (!match) throw new Error(`no secret for ${clientId} in the demo banner`);
  return match[1]!;
}

/**
 * Warm-up (discarded), then a measured run at 10 and at 50 connections; for the provider's own
 * scenarios (`measure`) its CPU per request at 50 is kept for the per-core table.
 */
async function scenario(
  name: string,
  options: Omit<LoadOptions, 'connections'>,
  measure = false,
): Promise<Record<number, LoadResult>> {
  await load({ ...options, connections: 10, seconds: WARMUP });
  const results: Record<number, LoadResult> = {};
  for (const connections of [10, 50]) {
    const before = measure ? cpuNow() : undefined;
    results[connections] = await load({ ...options, connections, seconds: SECONDS });
    if (before && connections === 50)
      cpuByScenario.push({ name, cpu: cpuPer(before, cpuNow(), results[connections]!.requests) });
    rows.push({ scenario: name, connections, result: results[connections]! });
    log(
      `${name.padEnd(34)} c=${String(connections).padEnd(3)} ${String(results[connections]!.rps).padStart(6)} req/s  p50 ${results[connections]!.p50} ms  p99 ${results[connections]!.p99} ms  errors ${results[connections]!.errors}`,
    );
  }
  return results;
}

async function es256SigningRate(): Promise<number> {
  const { privateKey } = await generateKeyPair('ES256');
  const until = Date.now() + 2000;
  let n = 0;
  while (Date.now() < until) {
    await new SignJWT({ scope: 'orders:read', client_id: 'x' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer('https://id.example')
      .setAudience(API)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    n += 1;
  }
  return Math.round(n / 2);
}

/**
 * The floor cost of a sign-in: argon2id verifications per second with every core busy, and the
 * CPU time one verification takes (this process's, thread pool included).
 */
async function argon2Rate(profile: PasswordHashingConfig): Promise<{ perSecond: number; cpuMs: number }> {
  const hash = await hashPassword('a benchmark password', profile);
  const until = Date.now() + 3000;
  const cpuBefore = process.cpuUsage();
  let n = 0;
  await Promise.all(
    Array.from({ length: os.cpus().length * 2 }, async () => {
      while (Date.now() < until) {
        await verifyPassword(hash, 'a benchmark password');
        n += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: Math.round(n / 3), cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

/** V8 heap used/total from the provider's own /metrics: what RSS holds beyond it is allocator and GC headroom. */
async function heapMb(metricsUrl: string): Promise<{ used: number; total: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20);
  return { used: value('meshid_nodejs_heap_size_used_bytes'), total: value('meshid_nodejs_heap_size_total_bytes') };
}

/** The provider's total MongoDB command count and time so far (its meshid_db_operation_duration_seconds). */
async function databaseTotals(metricsUrl: string): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const total = (suffix: string) =>
    [...text.matchAll(new RegExp(`^meshid_db_operation_duration_seconds_${suffix}\\{[^}]*\\} (\\S+)`, 'gm'))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  return { count: total('count'), seconds: total('sum') };
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Requests a core could serve from the provider's own CPU per request, with the database's CPU beside it. */
function perCoreTable(): string {
  // On MONGODB_URI the database is not the provider's child process: its CPU is not seen here.
  const embedded = !process.env.MONGODB_URI;
  const lines = [
    `| operation | provider CPU per request | per core |${embedded ? ' embedded database CPU per request |' : ''}`,
    `|---|---|---|${embedded ? '---|' : ''}`,
  ];
  const ms = (value: number) => (value >= 1 ? `${value.toFixed(1)} ms` : `${Math.round(value * 1000)} µs`);
  for (const { name, cpu } of cpuByScenario)
    lines.push(
      `| ${name} | ${ms(cpu.provider)} | ${Math.round(1000 / cpu.provider).toLocaleString('en')}/s |${embedded ? ` ${ms(cpu.database)} |` : ''}`,
    );
  return lines.join('\n');
}

function table(): string {
  const lines = ['| scenario | connections | req/s | p50 ms | p99 ms | errors |', '|---|---|---|---|---|---|'];
  for (const row of rows)
    lines.push(
      `| ${row.scenario} | ${row.connections} | ${row.result.rps} | ${row.result.p50} | ${row.result.p99} | ${row.result.errors} |`,
    );
  return lines.join('\n');
}

/**
 * A first-party web app besides the demo's (which asks for consent), so sign-ins are measured
 * with and without a consent screen: applied at start-up as any configuration file is.
 */
function firstPartyConfig(directory: string): string {
  const file = join(directory, 'bench.yaml');
  writeFileSync(
    file,
    `resources:
  - indicator: ${API}
    name: Demo orders API
    scopes: [orders:read, orders:write]
clients:
  - id: bench-first-party
    type: web
    name: Bench first-party app
    firstParty: true
    secret: { env: BENCH_FIRST_PARTY_SECRET }
    redirectUris: [http://localhost:4401/callback]
    resources: [${API}]
`,
  );
  return file;
}

type CpuSplit = { provider: number; database: number; generator: number };

// CPU milliseconds per request, by process: the provider, its database (the embedded server is
// its child process) and this process (the load generator), so a figure bound by the
// development database can be told from one bound by our code.
function cpuNow(): CpuSplit {
  const { self, children } = ours!.cpu();
  const mine = process.cpuUsage();
  return { provider: self, database: children, generator: (mine.user + mine.system) / 1e6 };
}
const cpuPer = (before: CpuSplit, after: CpuSplit, requests: number): CpuSplit => ({
  provider: ((after.provider - before.provider) * 1000) / Math.max(requests, 1),
  database: ((after.database - before.database) * 1000) / Math.max(requests, 1),
  generator: ((after.generator - before.generator) * 1000) / Math.max(requests, 1),
});
const describeCpu = (cpu: CpuSplit) =>
  `provider ${cpu.provider.toFixed(1)} ms, database ${cpu.database.toFixed(1)} ms, load generator ${cpu.generator.toFixed(1)} ms`;

/** Provider CPU per request at 50 connections, by scenario: what a core does when the database and load generator are elsewhere. */
const cpuByScenario: { name: string; cpu: CpuSplit }[] = [];

let ours: Child | undefined;
let bare: Child | undefined;
let metricsPort = 0;
const configDirectory = mkdtempSync(join(os.tmpdir(), 'meshid-bench-'));
const firstPartySecret = randomBytes(24).toString('base64url');
try {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  metricsPort = await freePort();
  ours = await startChild(
    new URL('../provider/main.ts', import.meta.url).pathname,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER: issuer,
      DEMO_SEED: '1',
      // Always a fresh database: a kept one (.meshid/ of an earlier npm start) prints no secrets.
      DEV_DATA_DIR: 'none',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      METRICS_PORT: String(metricsPort),
      MESHID_CONFIG: firstPartyConfig(configDirectory),
      BENCH_FIRST_PARTY_SECRET: firstPartySecret,
      PASSWORD_HASH_MEMORY_KIB: String(configuredHashing.memoryKiB),
      PASSWORD_HASH_ITERATIONS: String(configuredHashing.iterations),
      ...(process.env.PROVIDER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.PROVIDER_NODE_OPTIONS } : {}),
      ...(process.env.MONGODB_URI
        ? { MONGODB_URI: process.env.MONGODB_URI, MONGODB_DATABASE: `bench_${Date.now()}` }
        : {}),
    },
    /Try client credentials/,
  );
  const barePort = await freePort();
  bare = await startChild(
    new URL('./bench/bare-provider.ts', import.meta.url).pathname,
    { PORT: String(barePort) },
    /BARE_READY/,
  );
  const output = ours.output();
  const password = /Demo user:\s+\S+\s+password: (\S+)/.exec(output)![1]!;
  const web: FlowTarget = {
    issuer,
    clientId: 'demo-web-1',
    clientSecret: secretOf(output, 'demo-web-1'),
    redirectUri: 'http://localhost:4401/callback',
    email: 'demo@example.test',
    password,
  };
  const service = basic('demo-service', secretOf(output, 'demo-service'));
  const webAuth = basic(web.clientId, web.clientSecret);
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const firstParty: FlowTarget = { ...web, clientId: 'bench-first-party', clientSecret: firstPartySecret };
  const discover = (target: FlowTarget) =>
    oidc.discovery(new URL(issuer), target.clientId, target.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
  const config = await discover(web);
  const firstPartyConfiguration = await discover(firstParty);
  log(`machine: ${machine()}`);
  const rssStart = ours.rssMb();

  // The ratio to the ceiling is the headline: measure both alternately, three rounds, and take
  // the median, so a noisy moment on the shared two cores does not decide it.
  const ccOptions = {
    url: `${issuer}/token`,
    method: 'POST' as const,
    headers: { ...form, authorization: service },
    body: 'grant_type=client_credentials&scope=orders:read',
  };
  const bareOptions = {
    url: `http://127.0.0.1:${barePort}/token`,
    method: 'POST' as const,
    headers: { ...form, authorization: basic('bench', 'bench-secret') },
    body: 'grant_type=client_credentials&scope=orders:read',
  };
  await load({ ...ccOptions, connections: 10, seconds: WARMUP * 2 });
  await load({ ...bareOptions, connections: 10, seconds: WARMUP * 2 });
  const cc: Record<number, LoadResult> = {};
  const ceiling: Record<number, LoadResult> = {};
  const median = (runs: LoadResult[]) => runs.sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
  // CPU seconds each server spent on these runs, for CPU per request: steadier than throughput
  // on two cores the load generator shares.
  const ccCpu = { mine: 0, theirs: 0, mineRequests: 0, theirRequests: 0 };
  const timed = async (child: Child, options: LoadOptions) => {
    const before = child.cpu().self;
    const result = await load(options);
    return { result, cpu: child.cpu().self - before };
  };
  for (const connections of [10, 50]) {
    const mine: LoadResult[] = [];
    const theirs: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const ourRun = await timed(ours, { ...ccOptions, connections, seconds: SECONDS });
      const theirRun = await timed(bare, { ...bareOptions, connections, seconds: SECONDS });
      mine.push(ourRun.result);
      theirs.push(theirRun.result);
      ccCpu.mine += ourRun.cpu;
      ccCpu.mineRequests += ourRun.result.requests;
      ccCpu.theirs += theirRun.cpu;
      ccCpu.theirRequests += theirRun.result.requests;
    }
    cc[connections] = median(mine);
    ceiling[connections] = median(theirs);
    rows.push({
      scenario: `client credentials (JWT), meshid (median of ${ROUNDS})`,
      connections,
      result: cc[connections]!,
    });
    rows.push({
      scenario: `client credentials (JWT), bare oidc-provider (median of ${ROUNDS})`,
      connections,
      result: ceiling[connections]!,
    });
    log(
      `client credentials c=${connections}: meshid ${cc[connections]!.rps} req/s (p99 ${cc[connections]!.p99} ms), bare ${ceiling[connections]!.rps} req/s (p99 ${ceiling[connections]!.p99} ms)`,
    );
  }

  const ccCpuUs = {
    mine: (ccCpu.mine * 1e6) / ccCpu.mineRequests,
    theirs: (ccCpu.theirs * 1e6) / ccCpu.theirRequests,
  };
  log(
    `client credentials CPU per request: meshid ${ccCpuUs.mine.toFixed(0)} µs, bare ${ccCpuUs.theirs.toFixed(0)} µs (${Math.round((ccCpuUs.theirs / ccCpuUs.mine) * 100)}%)`,
  );

  // The curve for the charts: one run each at 1 and 100 connections besides the medians above.
  const curve: Record<number, { mine: LoadResult; theirs: LoadResult }> = {
    10: { mine: cc[10]!, theirs: ceiling[10]! },
    50: { mine: cc[50]!, theirs: ceiling[50]! },
  };
  if (!values.quick) {
    for (const connections of [1, 100]) {
      curve[connections] = {
        mine: await load({ ...ccOptions, connections, seconds: SECONDS }),
        theirs: await load({ ...bareOptions, connections, seconds: SECONDS }),
      };
      log(
        `client credentials c=${connections}: meshid ${curve[connections]!.mine.rps} req/s (p99 ${curve[connections]!.mine.p99} ms), bare ${curve[connections]!.theirs.rps} req/s (p99 ${curve[connections]!.theirs.p99} ms)`,
      );
    }
  }

  const rssBeforeSoak = ours.rssMb();
  const soakCpu = cpuNow();
  const soak = await load({
    url: `${issuer}/token`,
    method: 'POST',
    headers: { ...form, authorization: service },
    body: 'grant_type=client_credentials&scope=orders:read',
    connections: 50,
    amount: SOAK,
  });
  const rssAfterSoak = ours.rssMb();
  cpuByScenario.push({ name: 'client credentials (JWT)', cpu: cpuPer(soakCpu, cpuNow(), soak.requests) });
  // The same soak on the ceiling, for the memory ratio (same requests, same connections).
  await load({ ...bareOptions, connections: 50, amount: SOAK });
  const bareRss = bare.rssMb();
  log(
    `bare oidc-provider after the same soak: RSS ${bareRss} MB (meshid ${Math.round((rssAfterSoak / bareRss) * 100) / 100}×)`,
  );
  const heap = await heapMb(`http://127.0.0.1:${metricsPort}/metrics`);
  log(
    `soak: ${soak.requests} client-credentials requests, ${soak.rps} req/s, errors ${soak.errors}; RSS ${rssBeforeSoak} MB → ${rssAfterSoak} MB; V8 heap used ${heap.used} MB of ${heap.total} MB`,
  );
  const jwt = (
    await (
      await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { ...form, authorization: service },
        body: 'grant_type=client_credentials&scope=orders:read',
      })
    ).json()
  ).access_token as string;
  const opaque = (await signInOnce(web, config)).access_token!;
  // The service introspects its own token: another client would be told inactive (tokens/introspection-policy.ts).
  const jwtIntrospection = await scenario(
    'introspection, JWT',
    {
      url: `${issuer}/token/introspection`,
      method: 'POST',
      headers: { ...form, authorization: service },
      body: `token=${jwt}`,
    },
    true,
  );
  // The floors of JWT introspection and of /validate: the same work in a bare HTTP server with
  // jose (scripts/bench/bare-validate.ts).
  const floorPort = await freePort();
  const floorServer = await startChild(
    new URL('./bench/bare-validate.ts', import.meta.url).pathname,
    {
      PORT: String(floorPort),
      ISSUER: issuer,
      AUDIENCE: API,
      CLIENT_ID: 'demo-service',
      CLIENT_SECRET: secretOf(output, 'demo-service'),
    },
    /BARE_VALIDATE_READY/,
  );
  // Both must find the token active, or the comparison would be of two refusals.
  for (const url of [`${issuer}/token/introspection`, `http://127.0.0.1:${floorPort}/introspect`]) {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { ...form, authorization: service },
      body: `token=${jwt}`,
    });
    if (((await answer.json()) as { active?: boolean }).active !== true)
      throw new Error(`${url} did not find the token active`);
  }
  const introspectionFloor = await scenario('introspection floor (bare http + jose + client auth)', {
    url: `http://127.0.0.1:${floorPort}/introspect`,
    method: 'POST',
    headers: { ...form, authorization: service },
    body: `token=${jwt}`,
  });
  const introspectionShare = (c: number) => Math.round((jwtIntrospection[c]!.rps / introspectionFloor[c]!.rps) * 100);
  log(`JWT introspection vs its floor: ${introspectionShare(10)}% at 10 connections, ${introspectionShare(50)}% at 50`);
  if (!values.quick) {
    // For reference: the bare library introspecting an opaque token of its own, held in memory.
    const bareAuth = basic('bench-opaque', 'bench-secret');
    const bareOpaque = (
      await (
        await fetch(`http://127.0.0.1:${barePort}/token`, {
          method: 'POST',
          headers: { ...form, authorization: bareAuth },
          body: 'grant_type=client_credentials',
        })
      ).json()
    ).access_token as string;
    await scenario('introspection, opaque, bare oidc-provider (in memory)', {
      url: `http://127.0.0.1:${barePort}/token/introspection`,
      method: 'POST',
      headers: { ...form, authorization: bareAuth },
      body: `token=${bareOpaque}`,
    });
    await scenario(
      'introspection, opaque',
      {
        url: `${issuer}/token/introspection`,
        method: 'POST',
        headers: { ...form, authorization: webAuth },
        body: `token=${opaque}&token_type_hint=access_token`,
      },
      true,
    );
    await scenario('JWKS', { url: `${issuer}/jwks` }, true);
    await scenario('discovery', { url: `${issuer}/.well-known/openid-configuration` }, true);
  }
  const validate = await scenario(
    'validate (JWT)',
    {
      url: `${issuer}/validate?audience=${encodeURIComponent(API)}`,
      headers: { authorization: `Bearer ${jwt}` },
    },
    true,
  );
  const validateFloor = await scenario('validate floor (bare http + jose)', {
    url: `http://127.0.0.1:${floorPort}/validate`,
    headers: { authorization: `Bearer ${jwt}` },
  });
  await floorServer.stop();
  const validateShare = (c: number) => Math.round((validate[c]!.rps / validateFloor[c]!.rps) * 100);
  log(`validate vs its floor: ${validateShare(10)}% at 10 connections, ${validateShare(50)}% at 50`);

  // Sign-ins before the refresh runs, which grow the token lists the embedded database scans
  // (and the 1,000 sign-ins for the memory figure after them, for the same reason).
  // The floor with OWASP's default profile and, when PASSWORD_HASH_* choose another, with that one
  // (the provider is started with the same variables).
  const owaspFloor = await argon2Rate(OWASP_HASHING);
  const hashing = sameProfile(configuredHashing, OWASP_HASHING) ? owaspFloor : await argon2Rate(configuredHashing);
  log(
    `raw argon2id verification (${os.cpus().length} cores busy): OWASP ${owaspFloor.perSecond}/s (${owaspFloor.cpuMs.toFixed(1)} ms of CPU each); configured ${profileName(configuredHashing)}: ${hashing.perSecond}/s (${hashing.cpuMs.toFixed(1)} ms)`,
  );
  const signInRuns: { name: string; workers: number; perSecond: number; cpu: CpuSplit }[] = [];
  let signIns = 0;
  const flows: [string, FlowTarget, oidc.Configuration, number][] = [
    ['with a consent screen', web, config, 4],
    ['first-party (no consent screen)', firstParty, firstPartyConfiguration, 4],
    ...(values.quick
      ? []
      : ([['with a consent screen', web, config, 8]] as [string, FlowTarget, oidc.Configuration, number][])),
  ];
  for (const [name, target, flowConfig, workers] of flows) {
    const before = cpuNow();
    const flow = await signInLoad(target, flowConfig, workers, values.quick ? 3 : 8);
    const cpu = cpuPer(before, cpuNow(), flow.flows);
    signIns += flow.flows + flow.errors;
    signInRuns.push({ name, workers, perSecond: flow.perSecond, cpu });
    if (workers === 4) cpuByScenario.push({ name: `browser sign-in ${name}`, cpu });
    rows.push({
      scenario: `browser sign-in ${name} (authorize → login/argon2 → ${target === web ? 'consent → ' : ''}code → token)`,
      connections: `${workers} browsers`,
      result: { rps: flow.perSecond, p50: '–', p99: '–', errors: flow.errors },
    });
    log(
      `sign-in ${name}, ${workers} browsers: ${flow.perSecond} sign-ins/s (${flow.flows} flows, ${flow.errors} errors); CPU per sign-in: ${describeCpu(cpu)}`,
    );
  }
  const bestSignIns = Math.max(...signInRuns.map((run) => run.perSecond));
  const consentRun = signInRuns.find((run) => run.name.startsWith('with a consent') && run.workers === 4)!;
  const firstPartyRun = signInRuns.find((run) => run.name.startsWith('first-party'))!;
  // What a core could do if the database and the load generator were elsewhere: the share of
  // the provider's own CPU per sign-in that is the password hash.
  const hashShareOfCpu = (run: { cpu: CpuSplit }) => Math.round((hashing.cpuMs / run.cpu.provider) * 100);

  // Refresh rotation: every connection follows its own chain of refresh tokens. The database's
  // share of each request's time says whether a fall with concurrency is the database's or ours.
  const refreshSplit: string[] = [];
  let chainStarts: string[] = [];
  for (const connections of [10, 50]) {
    const starts: string[] = [];
    for (let i = 0; i < connections; i += 1) starts.push((await signInOnce(web, config)).refresh_token!);
    const before = await databaseTotals(`http://127.0.0.1:${metricsPort}/metrics`);
    const cpuBefore = cpuNow();
    const result = await refreshLoad({ issuer, authorization: webAuth, refreshTokens: starts, seconds: SECONDS });
    const cpu = cpuPer(cpuBefore, cpuNow(), result.requests);
    const after = await databaseTotals(`http://127.0.0.1:${metricsPort}/metrics`);
    const perRequest = (value: number) => (result.requests ? value / result.requests : 0);
    // Mean time a request spends in flight: the connections kept busy for the run, shared by its requests.
    const meanMs = result.rps ? (connections / result.rps) * 1000 : 0;
    const dbMs = perRequest(after.seconds - before.seconds) * 1000;
    const split = `${connections} connections: ${perRequest(after.count - before.count).toFixed(1)} database operations and ${dbMs.toFixed(0)} ms of database time per refresh, of ${meanMs.toFixed(0)} ms in flight (${meanMs ? Math.round((dbMs / meanMs) * 100) : 0}%); CPU per refresh: ${describeCpu(cpu)}`;
    refreshSplit.push(split);
    log(`refresh: ${split}`);
    rows.push({ scenario: 'refresh with rotation', connections, result });
    log(
      `refresh with rotation              c=${String(connections).padEnd(3)} ${String(result.rps).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}`,
    );
    if (connections === 10) {
      chainStarts = starts;
      cpuByScenario.push({ name: 'refresh with rotation (10 connections)', cpu });
    }
  }

  // Memory after 1,000 sign-ins (argon2id's 19 MiB per verification included).
  const SIGN_IN_TOTAL = values.quick ? 0 : 1000;
  while (signIns < SIGN_IN_TOTAL) {
    const flow = await signInLoad(firstParty, firstPartyConfiguration, 4, 5);
    signIns += flow.flows + flow.errors;
  }
  const rssAfterSignIns = ours.rssMb();
  log(`RSS after ${signIns} sign-ins: ${rssAfterSignIns} MB (bare library after its soak: ${bareRss} MB)`);
  // Cost as the stored tokens grow: refreshes in blocks, the rate and the CPU split of each.
  const decay: { upTo: number; rps: number; cpu: CpuSplit }[] = [];
  if (!values.quick) {
    const BLOCK = 500;
    const starts: string[] = [];
    for (let i = 0; i < chainStarts.length; i += 1) starts.push((await signInOnce(web, config)).refresh_token!);
    let mark = { at: Date.now(), cpu: cpuNow() };
    await refreshLoad({
      issuer,
      authorization: webAuth,
      refreshTokens: starts,
      amount: DECAY_REFRESHES,
      onAnswer: (answered) => {
        if (answered % BLOCK !== 0) return;
        const now = { at: Date.now(), cpu: cpuNow() };
        decay.push({
          upTo: answered,
          rps: Math.round((BLOCK * 1000) / (now.at - mark.at)),
          cpu: cpuPer(mark.cpu, now.cpu, BLOCK),
        });
        log(
          `refreshes ${answered - BLOCK + 1}–${answered}: ${decay.at(-1)!.rps} req/s; CPU per refresh: ${describeCpu(decay.at(-1)!.cpu)}`,
        );
        mark = now;
      },
    });
  }

  const rssEnd = ours.rssMb();
  log(`RSS at the end: ${rssEnd} MB`);
  const signing = await es256SigningRate();
  log(`raw ES256 signing (jose, one thread): ${signing} signatures/s`);
  // Everything a sign-in does beyond the password hash, as a share of the hash's own rate on these cores.
  const argonShare = Math.round((bestSignIns / hashing.perSecond) * 100);
  log(
    `sign-ins vs the argon2id floor: ${argonShare}% (${bestSignIns} sign-ins/s against ${hashing.perSecond} verifications/s); the hash is ${hashShareOfCpu(firstPartyRun)}% of the provider's CPU per first-party sign-in, ${hashShareOfCpu(consentRun)}% with consent`,
  );
  const ratio10 = Math.round((cc[10]!.rps / ceiling[10]!.rps) * 100);
  const ratio50 = Math.round((cc[50]!.rps / ceiling[50]!.rps) * 100);
  log(`client credentials vs bare oidc-provider: ${ratio10}% at 10 connections, ${ratio50}% at 50`);

  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const section = `Written by \`npm run bench${values.quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}. Re-run it whenever a change touches a hot path.

- Machine: ${machine()}. The load generator (autocannon) runs on the same box, in another process.
- Database: ${process.env.MONGODB_URI ? 'MongoDB at MONGODB_URI' : 'the embedded in-memory development server (a test double: paths that hit the database are slower than on real MongoDB, and database cost is pinned by counting operations instead, below)'}.
${process.env.PROVIDER_NODE_OPTIONS ? `- Provider started with NODE_OPTIONS=${process.env.PROVIDER_NODE_OPTIONS}.\n` : ''}- Each scenario: ${WARMUP} s warm-up (discarded), then ${SECONDS} s at 10 and at 50 connections.

### Results

${table()}

- **Client credentials vs the bare library ceiling** (same oidc-provider version, in-memory adapter, ES256, one resource server): **${ratio10}%** at 10 connections, **${ratio50}%** at 50 (target ≥ 90%: ${met(ratio10 >= 90 && ratio50 >= 90)}).
- **CPU per request** (each server's own, all the runs above; steadier than throughput on cores the load generator shares): meshid ${ccCpuUs.mine.toFixed(0)} µs, the bare library ${ccCpuUs.theirs.toFixed(0)} µs: the bare library's cost is **${Math.round((ccCpuUs.theirs / ccCpuUs.mine) * 100)}%** of ours.
- **p99 vs the ceiling's** (target within 1.2×): ${cc[10]!.p99} vs ${ceiling[10]!.p99} ms at 10, ${cc[50]!.p99} vs ${ceiling[50]!.p99} ms at 50: ${met(cc[10]!.p99 <= 1.2 * ceiling[10]!.p99 + 1 && cc[50]!.p99 <= 1.2 * ceiling[50]!.p99 + 1)} (1 ms of rounding allowed).
- **Charts** (1, 10, 50, 100 connections): [throughput](bench-client-credentials-throughput.svg), [p99](bench-client-credentials-p99.svg).
- **Raw ES256 signing rate** (jose, one thread, the floor cost of one JWT): ${signing} signatures/s.
- **Raw argon2id verification rate** (every core busy; the floor cost of one sign-in): OWASP's ${profileName(OWASP_HASHING)}: ${owaspFloor.perSecond} verifications/s, ${owaspFloor.cpuMs.toFixed(1)} ms of CPU each${sameProfile(configuredHashing, OWASP_HASHING) ? ' (the configured profile)' : `; the configured ${profileName(configuredHashing)}: ${hashing.perSecond}/s, ${hashing.cpuMs.toFixed(1)} ms each`}.
- **Sign-ins vs that floor** (target ≥ 70%: everything but the hash should cost little): **${argonShare}%** (${bestSignIns} sign-ins/s): ${met(argonShare >= 70)}. Per core: ${(firstPartyRun.perSecond / os.cpus().length).toFixed(1)} first-party sign-ins/s, ${(consentRun.perSecond / os.cpus().length).toFixed(1)} with a consent screen.
- **Per core** (the provider's own CPU per request, by /proc; its database and the load generator are other processes, as they would be in production; 50 connections unless named):

${perCoreTable()}

- **Where a sign-in's CPU goes** (CPU time per completed sign-in, by process): first-party: ${describeCpu(firstPartyRun.cpu)}; with consent: ${describeCpu(consentRun.cpu)}. The password hash is **${hashShareOfCpu(firstPartyRun)}%** of the provider's own CPU per first-party sign-in and **${hashShareOfCpu(consentRun)}%** with consent, so with the database and the load generator on other machines a core would sign in about ${Math.round(1000 / firstPartyRun.cpu.provider)} first-party users/s (${Math.round(1000 / consentRun.cpu.provider)} with consent) against ${Math.round(1000 / hashing.cpuMs)} argon2id verifications/s.
- **JWT introspection vs its floor** (a bare HTTP server authenticating the caller and verifying the same JWT with jose; no revocation or client checks; target ≥ 90%): **${introspectionShare(10)}%** at 10 connections, **${introspectionShare(50)}%** at 50: ${met(introspectionShare(10) >= 90 && introspectionShare(50) >= 90)}.
- **\`/validate\` vs its floor** (a bare HTTP server verifying the same JWT with jose, no revocation or client checks; target ≥ 90%): **${validateShare(10)}%** at 10 connections, **${validateShare(50)}%** at 50: ${met(validateShare(10) >= 90 && validateShare(50) >= 90)}.
- **Refresh with rotation, where the time goes** (the provider's own database timings): ${refreshSplit.join('; ')}.
- **Memory** (resident, provider process): ${rssStart} MB after start-up, ${rssBeforeSoak} MB before the soak, **${rssAfterSoak} MB after ${soak.requests.toLocaleString('en')} client-credentials requests** (soak at ${soak.rps} req/s, ${soak.errors} errors; V8 heap used ${heap.used} MB of ${heap.total} MB); the bare library after the same soak: ${bareRss} MB, so **${Math.round((rssAfterSoak / bareRss) * 100) / 100}×** (target ≤ 1.2×: ${met(rssAfterSoak <= 1.2 * bareRss)}); **${rssAfterSignIns} MB after ${signIns.toLocaleString('en')} sign-ins**, ${Math.round((rssAfterSignIns / bareRss) * 100) / 100}× the bare library's (target ≤ 1.5×: ${met(rssAfterSignIns <= 1.5 * bareRss)}); ${rssEnd} MB at the end.
${decay.length > 0 ? `- **Cost as stored tokens grow** (the embedded database; refreshes in blocks of 500 after the runs above): ${decay.map((block) => `${block.rps} req/s up to ${block.upTo} (database ${block.cpu.database.toFixed(0)} ms, provider ${block.cpu.provider.toFixed(0)} ms of CPU per refresh)`).join('; ')}.\n` : ''}`;
  const reportUrl = new URL('../docs/BENCHMARKS.md', import.meta.url);
  if (!values.quick) {
    writeFileSync(reportUrl, replaceGeneratedSection(readFileSync(reportUrl, 'utf8'), section));
    const points = (pick: (run: { mine: LoadResult; theirs: LoadResult }) => number) =>
      Object.entries(curve).map(([connections, run]) => ({ x: Number(connections), y: pick(run) }));
    writeFileSync(
      new URL('../docs/bench-client-credentials-throughput.svg', import.meta.url),
      lineChart('Client credentials (JWT): throughput', 'requests per second', [
        { name: 'bare oidc-provider', points: points((run) => run.theirs.rps) },
        { name: 'meshid', points: points((run) => run.mine.rps) },
      ]),
    );
    writeFileSync(
      new URL('../docs/bench-client-credentials-p99.svg', import.meta.url),
      lineChart('Client credentials (JWT): p99 latency', 'p99 ms', [
        { name: 'bare oidc-provider', points: points((run) => run.theirs.p99) },
        { name: 'meshid', points: points((run) => run.mine.p99) },
      ]),
    );
  }
  log(`\n${table()}\n\n${perCoreTable()}\n`);
  log(
    values.quick ? '(quick run: docs/BENCHMARKS.md not written)' : 'wrote the generated section of docs/BENCHMARKS.md',
  );
} finally {
  await ours?.stop();
  await bare?.stop();
  rmSync(configDirectory, { recursive: true, force: true });
}
