import { mkdtempSync } from 'node:fs';
import { Agent, type IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { freePort } from '../../scripts/free-port.ts';
import { startProcessGroup, stopProcessGroups } from '../helpers/process-group.ts';

const ENTRY = new URL('../../provider/main.ts', import.meta.url).pathname;

function run(env: Record<string, string>) {
  return startProcessGroup(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', DEV_DATA_DIR: mkdtempSync(join(tmpdir(), 'meshid-dev-')), ...env },
  });
}

const ready = (stdout: string) => stdout.includes('Try client credentials:') && stdout.includes('"msg":"listening"');
const listeningUrl = (stdout: string) =>
  JSON.parse(stdout.split('\n').find((line) => line.includes('"msg":"listening"'))!).url as string;

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** the request went out on a connection opened earlier (kept alive) */
  reused: boolean;
}

/** Sends a request through `agent`; `hold` gets the request before it is ended (to finish it later). */
function send(
  agent: Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; hold?: boolean } = {},
) {
  let sent!: ReturnType<typeof request>;
  const answer = new Promise<Answer>((resolve, reject) => {
    sent = request(url, { agent, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, reused: sent.reusedSocket }));
    });
    sent.on('error', reject);
  });
  if (!options.hold) sent.end(options.body);
  return { request: sent, answer };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shutdown under load (fault: SIGTERM with busy kept-alive connections)', function () {
  this.timeout(120_000);
  afterEach(stopProcessGroups);

  it('answers /readyz 503 at once, closes kept-alive connections, finishes in-flight work, exits by the deadline', async () => {
    // The listener keeps accepting for 3 s after SIGTERM (long enough to see /readyz fail), and
    // whatever is still open 8 s after it is closed.
    const provider = run({ SHUTDOWN_READY_DELAY_MS: '3000', SHUTDOWN_TIMEOUT_MS: '8000' });
    await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
    const url = listeningUrl(provider.stdout());
    const secret = /demo-service\s+secret: (\S+)/.exec(provider.stdout())![1]!;

    // A balancer's probe on a connection kept alive between probes.
    const probe = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(probe, `${url}/readyz`).answer).status).to.equal(200);

    // An in-flight token request: its headers and half its body are in before SIGTERM.
    const body = 'grant_type=client_credentials&scope=orders:read';
    const busy = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(busy, `${url}/healthz`).answer).status).to.equal(200);
    const inFlight = send(busy, `${url}/token`, {
      method: 'POST',
      hold: true,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(body.length),
        authorization: `Basic ${Buffer.from(`demo-service:${secret}`).toString('base64')}`,
      },
    });
    inFlight.request.write(body.slice(0, 10));

    // A client that holds a connection open and never finishes its request's headers (the
    // headers timeout, 10 s by default, is longer than this deadline).
    const holder = connect({ host: new URL(url).hostname, port: Number(new URL(url).port) });
    holder.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const holderClosed = new Promise<void>((resolve) => {
      holder.on('close', () => resolve());
      holder.on('error', () => undefined);
    });
    // The request is in the server's hands before the signal.
    await pause(200);

    const exited = provider.stop('SIGTERM', 60_000);
    // Polls the same kept-alive connection until the process has handled SIGTERM.
    let readiness: Answer;
    do {
      readiness = await send(probe, `${url}/readyz`).answer;
      if (readiness.status === 200) await pause(50);
    } while (readiness.status === 200);
    expect(readiness.status, 'not ready while draining').to.equal(503);
    expect(readiness.headers.connection, 'the connection is closed after the answer').to.equal('close');

    inFlight.request.end(body.slice(10));
    const token = await inFlight.answer;
    expect(token.status, `the in-flight request finishes: ${token.body}`).to.equal(200);
    expect(token.headers.connection).to.equal('close');

    // The deadline ends the held connection, and the process exits cleanly.
    await holderClosed;
    expect(await exited, provider.stderr()).to.equal(0);
    probe.destroy();
    busy.destroy();
  });

  it('exits by the deadline while silent clients hold half a request on either listener', async () => {
    const metricsPort = await freePort();
    const provider = run({ SHUTDOWN_TIMEOUT_MS: '1000', METRICS_PORT: String(metricsPort) });
    await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
    const url = new URL(listeningUrl(provider.stdout()));
    const silent = (port: number, request: string) => {
      const socket = connect({ host: url.hostname, port });
      socket.on('error', () => undefined);
      socket.write(request);
      return new Promise<void>((resolve) => socket.on('close', () => resolve()));
    };
    // Headers promise 100 bytes of body; 10 come, then nothing, on a socket left open.
    const halfBody = silent(
      Number(url.port),
      'POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type',
    );
    // A scraper that never finishes its headers (the headers timeout is longer than this deadline).
    const halfHeaders = silent(metricsPort, 'GET /metrics HTTP/1.1\r\nHost: x\r\n');
    // The requests are in the server's hands before the signal.
    await pause(200);

    // The deadline is 1 s: 20 s is ample on a loaded machine, and far below the request timeout's 30 s.
    const code = await provider.stop('SIGTERM', 20_000);
    expect(code, `exited on its own (not killed after 20 s): ${provider.stderr()}`).to.equal(0);
    await Promise.all([halfBody, halfHeaders]);
  });

  it('cuts a client that sends its headers byte by byte (HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const provider = run({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
    await provider.waitFor(() => ready(provider.stdout()), 'the demo banner');
    const url = new URL(listeningUrl(provider.stdout()));
    // Far more bytes than the timeout lets through at one every 100 ms: finishing them means nothing cut it.
    const headers = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(400)}\r\n\r\n`;
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let closed = false;
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', () => undefined);
    let sent = 0;
    while (!closed && sent < headers.length) {
      socket.write(headers[sent]!);
      sent += 1;
      await pause(100);
    }
    socket.destroy();
    expect(closed, 'the server closed the slow connection before its headers were complete').to.equal(true);
    expect(sent).to.be.below(headers.length);
    expect(answer).to.match(/^HTTP\/1\.1 408/);
    await provider.stop();
  });
});
