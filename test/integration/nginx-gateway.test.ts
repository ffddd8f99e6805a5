import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import * as oidc from 'openid-client';

import { freePort } from '../../scripts/free-port.ts';
import { API, addApi, addServiceClient } from '../helpers/fixtures.ts';
import { type StartedProcess, startProcessGroup } from '../helpers/process-group.ts';
import { relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const NGINX = '/usr/sbin/nginx';

/** docs/gateways.md's nginx block, pointed at this test's provider, upstream and port. */
function documentedConfiguration(idp: string, upstreamPort: number, listenPort: number): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(
    readFileSync(new URL('../../docs/gateways.md', import.meta.url), 'utf8'),
  )![1]!;
  return block
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${upstreamPort};`)
    .replace('server 127.0.0.1:3000;', `server ${new URL(idp).host};`)
    .replace('listen 127.0.0.1:8000;', `listen 127.0.0.1:${listenPort};`)
    .replaceAll('https://api.example.com', API);
}

/** The documented gateway, run in Debian's nginx exactly as docs/gateways.md prints it. */
describe('nginx auth_request in front of an API, configured as docs/gateways.md says', function () {
  this.timeout(30_000);
  let server: TestServer;
  let upstream: Server;
  let nginx: StartedProcess | undefined;
  let gateway: string;
  let tokenWith: (scope: string) => Promise<string>;

  before(async function () {
    if (!existsSync(NGINX)) {
      if (process.env.CI) throw new Error(`${NGINX} is missing: apt-get install nginx`);
      this.skip();
    }
    server = await startTestServer('nginx-gateway');
    await addApi(server);
    const service = await addServiceClient(server, { resource_scopes: { [API]: ['orders:read', 'orders:write'] } });
    const config = await relyingParty(server.issuer, service);
    tokenWith = async (scope) => (await oidc.clientCredentialsGrant(config, { resource: API, scope })).access_token;

    // The API behind the gateway answers with the headers it received.
    upstream = createServer((req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const listenPort = await freePort();
    gateway = `http://127.0.0.1:${listenPort}`;

    const prefix = mkdtempSync(join(tmpdir(), 'meshid-nginx-'));
    mkdirSync(join(prefix, 'temp'));
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(
      conf,
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${join(prefix, 'nginx.pid')};`,
        `error_log ${join(prefix, 'error.log')} warn;`,
        'events { worker_connections 64; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (kind) => `  ${kind}_temp_path ${join(prefix, 'temp', kind)};`,
        ),
        documentedConfiguration(server.issuer, (upstream.address() as AddressInfo).port, listenPort),
        '}',
      ].join('\n'),
    );
    const check = spawnSync(NGINX, ['-t', '-p', prefix, '-c', conf], { encoding: 'utf8' });
    expect(check.status, `nginx -t: ${check.stderr}`).to.equal(0);
    const running = startProcessGroup(NGINX, ['-p', prefix, '-c', conf], { env: { PATH: process.env.PATH ?? '' } });
    nginx = running;
    // Until it answers, however long a loaded machine takes (the hook's timeout bounds it).
    let exited = false;
    const ended = () => {
      exited = true;
    };
    void running.exited.then(ended, ended);
    const reachable = () =>
      fetch(gateway).then(
        () => true,
        () => false,
      );
    while (!(await reachable())) {
      if (exited) throw new Error(`nginx exited: ${running.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(async () => {
    await nginx?.stop('SIGQUIT');
    upstream?.close();
    await server?.stop();
  });

  it('passes a valid token with X-Auth-* headers, overwriting those the client sent', async () => {
    const response = await fetch(`${gateway}/orders`, {
      headers: {
        authorization: `Bearer ${await tokenWith('orders:read')}`,
        'x-auth-subject': 'forged',
        'x-auth-audience': 'forged',
      },
    });
    expect(response.status).to.equal(200);
    const seen = (await response.json()) as Record<string, string>;
    expect(seen['x-auth-subject']).to.match(/^svc-/);
    expect(seen).to.include({ 'x-auth-scope': 'orders:read', 'x-auth-audience': API });
    expect(seen['x-auth-client']).to.equal(seen['x-auth-subject']);
  });

  it('answers a missing or bad token 401 with exactly one challenge', async () => {
    for (const authorization of [undefined, 'Bearer garbage']) {
      const response = await fetch(`${gateway}/orders`, { headers: authorization ? { authorization } : {} });
      expect(response.status, authorization).to.equal(401);
      const challenges = response.headers.get('www-authenticate')!;
      expect(challenges.match(/Bearer/g), `one challenge: ${challenges}`).to.have.length(1);
    }
  });

  it('answers a token without the scope 403 with an insufficient_scope challenge, as JSON', async () => {
    const response = await fetch(`${gateway}/orders`, {
      headers: { authorization: `Bearer ${await tokenWith('orders:write')}` },
    });
    expect(response.status).to.equal(403);
    expect(response.headers.get('www-authenticate')).to.include('error="insufficient_scope"');
    expect(await response.json()).to.deep.equal({ error: 'insufficient_scope' });
  });
});
