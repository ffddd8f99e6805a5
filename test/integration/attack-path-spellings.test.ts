import { expect } from 'chai';

import { DEVICE_CODES_PER_WINDOW } from '../../provider/http/device-code-throttle.ts';
import { Browser, parseForms } from '../helpers/browser.ts';
import { API, addApi } from '../helpers/fixtures.ts';
import { rawRequest } from '../helpers/raw-request.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * oidc-provider's router folds case and ignores one trailing slash: `/DEVICE/` reaches the same
 * endpoint as `/device`. A limit that compared one spelling let every other one through.
 */
const spellings = (path: string) => [
  `${path}/`,
  path.toUpperCase(),
  `${path.toUpperCase()}/`,
  path.replace(/(^|\/)(\w)/g, (_, slash: string, first: string) => slash + first.toUpperCase()),
];

const client = {
  client_name: 'An MCP client',
  redirect_uris: ['http://127.0.0.1:4567/callback'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'],
};

async function register(server: TestServer, path: string) {
  const response = await fetch(`${server.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(client),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('attack: a guarded endpoint under another spelling of its path', function () {
  this.timeout(60_000);
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((server) => server.stop())));
  async function start(label: string, env: Record<string, string> = {}) {
    const server = await startTestServer(label, env);
    servers.push(server);
    return server;
  }

  it('the library does serve /reg and /device under those spellings (what makes this an attack)', async () => {
    const server = await start('spellings-served', { REGISTRATION: 'open', REGISTRATION_RESOURCES: API });
    await addApi(server);
    for (const path of spellings('/reg')) expect((await register(server, path)).status, path).to.equal(201);
    for (const path of spellings('/device'))
      expect((await fetch(`${server.issuer}${path}`)).status, path).to.equal(200);
  });

  it('counts every spelling of POST /device against the code-entry limit', async () => {
    const server = await start('spellings-device');
    const browser = new Browser(server.issuer);
    const page = await browser.open('/device');
    const form = parseForms(page.html).find((f) => f.action.endsWith('/device'))!;
    const enter = async (path: string) =>
      (
        await browser.fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...form.fields, user_code: 'BCDFGHJK' }).toString(),
        })
      ).status;
    for (let i = 0; i < DEVICE_CODES_PER_WINDOW; i += 1) expect(await enter('/device')).to.equal(400);
    for (const path of spellings('/device')) expect(await enter(path), path).to.equal(429);
  });

  it('counts every spelling of POST /reg against the per-address limit', async () => {
    const server = await start('spellings-reg-rate', {
      REGISTRATION: 'open',
      REGISTRATION_RESOURCES: API,
      REGISTRATION_PER_HOUR: '1',
    });
    await addApi(server);
    expect((await register(server, '/reg')).status).to.equal(201);
    for (const path of spellings('/reg')) expect((await register(server, path)).status, path).to.equal(429);
  });

  it('holds the cap on dynamically registered clients under every spelling of /reg', async () => {
    const server = await start('spellings-reg-cap', {
      REGISTRATION: 'open',
      REGISTRATION_RESOURCES: API,
      REGISTRATION_MAX_CLIENTS: '1',
    });
    await addApi(server);
    expect((await register(server, '/reg')).status).to.equal(201);
    for (const path of spellings('/reg')) {
      const answer = await register(server, path);
      expect(answer.status, path).to.equal(403);
      expect(answer.body.error).to.equal('access_denied');
    }
  });

  it('a doubled slash reaches no endpoint, so it needs no guard', async () => {
    const server = await start('spellings-double-slash', { REGISTRATION: 'open', REGISTRATION_RESOURCES: API });
    for (const path of ['//reg', '/reg//', '//device']) {
      const answer = await rawRequest(server.issuer, {
        method: 'POST',
        path,
        host: new URL(server.issuer).host,
        body: JSON.stringify(client),
      });
      expect(answer.status, path).to.equal(404);
    }
  });
});
