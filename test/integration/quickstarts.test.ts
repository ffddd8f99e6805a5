import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';

import { DEMO_API, DEMO_EMAIL, DEMO_INTERNAL_API } from '../../provider/demo/seed-demo.ts';
import { saveResourceServer } from '../../provider/resources/resource-server-directory.ts';
import { freePort } from '../../scripts/free-port.ts';
import { launchChromium, watchConsole } from '../e2e/chromium.ts';
import { Browser } from '../helpers/browser.ts';
import { addWebClient, basicAuth } from '../helpers/fixtures.ts';
import { runAgent } from '../helpers/mcp-agent.ts';
import { authorizationRequest } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** Runs the equivalent of every docs/quickstart/*.md against a freshly seeded demo. */
describe('quick starts (docs/quickstart) against the demo seed', () => {
  let server: TestServer;
  const secret = (id: string) => server.demo!.clients.find((c) => c.clientId === id)!.clientSecret!;
  const demoUser = () => ({ id: '', email: DEMO_EMAIL, password: server.demo!.user.password! });

  before(async () => {
    server = await startTestServer('quickstarts', { DEMO_SEED: '1' });
  });
  after(() => server.stop());

  async function curlToken(clientId: string, body: Record<string, string>) {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth({ clientId, clientSecret: secret(clientId) }),
      },
      body: new URLSearchParams(body).toString(),
    });
    return response.json() as Promise<Record<string, string>>;
  }

  /** Signs the demo user in through the screens and returns the callback the app would receive. */
  async function browserSignIn(browser: Browser, url: URL): Promise<URL> {
    let page = await browser.open(url);
    if (page.html.includes('/login"'))
      page = await browser.submit(page, '/login', { email: demoUser().email, password: demoUser().password });
    if (page.html.includes('/confirm"')) page = await browser.submit(page, '/confirm');
    return page.leftTo!;
  }

  it('web-app.md: openid-client code + PKCE with demo-web-1, userinfo, refresh, then SSO for demo-web-2', async () => {
    const browser = new Browser(server.issuer);
    const config = await oidc.discovery(new URL(server.issuer), 'demo-web-1', secret('demo-web-1'), undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const request = await authorizationRequest(config, { redirect_uri: 'http://localhost:4401/callback' });
    const callback = await browserSignIn(browser, request.url);
    expect(callback.origin).to.equal('http://localhost:4401');
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const me = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(me).to.include({ name: 'Demo User', email: DEMO_EMAIL });
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).refresh_token).not.to.equal(
      tokens.refresh_token,
    );

    const config2 = await oidc.discovery(new URL(server.issuer), 'demo-web-2', secret('demo-web-2'), undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const request2 = await authorizationRequest(config2, { redirect_uri: 'http://localhost:4402/callback' });
    const consent = await browser.open(request2.url);
    expect(consent.html).not.to.include('name="password"');
  });

  it("web-app.md's sample, run as written: signs in, and a reloaded callback or a foreign state gets a message", async function () {
    this.timeout(20_000);
    // A free port, never the demo's 4401 (a running demo must not break the suite): the sample
    // runs as printed with a client of this provider registered for that port instead of demo-web-1.
    const port = String(await freePort());
    const client = await addWebClient(server, {
      redirect_uris: [`http://localhost:${port}/callback`],
      post_logout_redirect_uris: [`http://localhost:${port}/`],
      allowed_resources: [],
    });
    const source = /```js\n([\s\S]*?)```/
      .exec(readFileSync(new URL('../../docs/quickstart/web-app.md', import.meta.url), 'utf8'))![1]!
      .replace("'http://localhost:3000'", `'${server.issuer}'`)
      .replace("'demo-web-1', '<demo-web-1 secret>'", `'${client.clientId}', '${client.clientSecret}'`)
      .replaceAll('4401', port);
    // Inside node_modules/ so that the sample's `import 'openid-client'` resolves as in an app.
    const dir = new URL('../../node_modules/.cache/meshid-quickstart/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('web-app.mjs', dir);
    writeFileSync(file, source);
    const app = spawn(process.execPath, [file.pathname], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        app.stdout.on(
          'data',
          (chunk: Buffer) => chunk.toString().includes(`open http://localhost:${port}/`) && resolve(),
        );
        app.once('exit', (code) => reject(new Error(`the sample exited with ${code}`)));
      });
      const start = await fetch(`http://localhost:${port}/`, { redirect: 'manual' });
      const callback = await browserSignIn(new Browser(server.issuer), new URL(start.headers.get('location')!));
      const hello = await fetch(callback);
      expect(await hello.text()).to.equal('Hello Demo User (demo@example.test)');

      const reload = await fetch(callback);
      expect(reload.status).to.equal(400);
      expect(await reload.text()).to.include('Start again at /');
      const foreign = await fetch(`http://localhost:${port}/callback?code=x&state=not-ours`);
      expect(foreign.status).to.equal(400);
      expect(app.exitCode, 'the sample is still running').to.equal(null);
    } finally {
      app.kill();
    }
  });

  it('spa.md: the public demo-spa redeems its code with PKCE only, and CORS allows its own origin', async () => {
    const browser = new Browser(server.issuer);
    const config = await oidc.discovery(new URL(server.issuer), 'demo-spa', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const request = await authorizationRequest(config, {
      redirect_uri: 'http://localhost:4403/callback',
      scope: 'openid orders:read',
      resource: DEMO_API,
    });
    const callback = await browserSignIn(browser, request.url);
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:4403' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'demo-spa',
        code: callback.searchParams.get('code')!,
        redirect_uri: 'http://localhost:4403/callback',
        code_verifier: request.verifier,
      }).toString(),
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('access-control-allow-origin')).to.equal('http://localhost:4403');
    const tokens = (await response.json()) as Record<string, string>;
    expect(decodeJwt(tokens.access_token!)).to.include({ aud: DEMO_API, scope: 'orders:read' });
    expect(tokens.refresh_token).to.be.a('string');
  });

  it('service.md: demo-service gets an API token with curl', async () => {
    const token = await curlToken('demo-service', { grant_type: 'client_credentials', scope: 'orders:read' });
    expect(token).to.include({ scope: 'orders:read', token_type: 'Bearer', expires_in: 600 });
    expect(decodeJwt(token.access_token!)).to.include({ aud: DEMO_API, sub: 'demo-service' });
  });

  it('token-exchange.md: demo-exchanger narrows the token and records itself as actor', async () => {
    const subject = await curlToken('demo-service', {
      grant_type: 'client_credentials',
      scope: 'orders:read orders:write',
    });
    const actor = await curlToken('demo-exchanger', { grant_type: 'client_credentials' });
    const exchanged = await curlToken('demo-exchanger', {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subject.access_token!,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      actor_token: actor.access_token!,
      actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      resource: DEMO_INTERNAL_API,
      scope: 'orders:read',
    });
    expect(exchanged).to.include({
      scope: 'orders:read',
      expires_in: 300,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expect(decodeJwt(exchanged.access_token!)).to.deep.include({
      sub: 'demo-service',
      client_id: 'demo-exchanger',
      aud: DEMO_INTERNAL_API,
      act: { sub: 'demo-exchanger', client_id: 'demo-exchanger' },
    });
  });

  it('gateway.md: /validate passes the token with X-Auth-* headers and refuses a missing scope', async () => {
    const { access_token: token } = await curlToken('demo-service', {
      grant_type: 'client_credentials',
      scope: 'orders:read',
    });
    const ok = await fetch(`${server.issuer}/validate?scope=orders:read&audience=${encodeURIComponent(DEMO_API)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('x-auth-subject')).to.equal('demo-service');
    expect(ok.headers.get('x-auth-audience')).to.equal(DEMO_API);
    const forbidden = await fetch(
      `${server.issuer}/validate?scope=orders:write&audience=${encodeURIComponent(DEMO_API)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(forbidden.status).to.equal(403);
    expect(forbidden.headers.get('www-authenticate')).to.include('insufficient_scope');
  });
});

describe('quick start mcp.md: the documented MCP server, reached by an agent on the official SDK', function () {
  this.timeout(60_000);
  let port = '';
  let MCP_URL = '';
  let server: TestServer;
  let app: ReturnType<typeof spawn> | undefined;
  let agent: ReturnType<typeof spawn> | undefined;

  before(async () => {
    // A free port, never the demo's 3005 (a running demo must not break the suite): this
    // provider declares the MCP server there, as the demo file declares it on 3005.
    port = String(await freePort());
    MCP_URL = `http://localhost:${port}/mcp`;
    server = await startTestServer('quickstart-mcp', {
      DEMO_SEED: '1',
      REGISTRATION: 'open',
      REGISTRATION_RESOURCES: MCP_URL,
    });
    await saveResourceServer(server.connection, {
      _id: MCP_URL,
      name: 'Demo MCP server',
      scopes: ['mcp:tools'],
      scopeDescriptions: [{ scope: 'mcp:tools', text: "Use the demo's tools for you" }],
    });
  });
  after(async () => {
    agent?.kill();
    app?.kill();
    await server.stop();
  });

  it('runs the server as printed; an agent registers, the demo user allows, and whoami answers', async () => {
    const source = /```js\n([\s\S]*?)```/
      .exec(readFileSync(new URL('../../docs/quickstart/mcp.md', import.meta.url), 'utf8'))![1]!
      .replace("const issuer = 'http://localhost:3000';", `const issuer = '${server.issuer}';`)
      .replaceAll('3005', port);
    const dir = new URL('../../node_modules/.cache/meshid-quickstart/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('mcp-server.mjs', dir);
    writeFileSync(file, source);
    app = spawn(process.execPath, [file.pathname], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      app!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('MCP server on') && resolve());
      app!.once('exit', (code) => reject(new Error(`the MCP server exited with ${code}`)));
    });
    const demoUser = { id: '', email: DEMO_EMAIL, password: server.demo!.user.password! };
    const run = await runAgent({ issuer: server.issuer, mcpUrl: MCP_URL, user: demoUser, name: 'Quick start agent' });
    expect(run.consentHtml).to.include('Demo MCP server').and.include('Use the demo&#39;s tools for you');
    expect(run.toolText).to.match(/^user [\w-]+$/);
  });

  it("runs the agent as printed: it prints a link, the demo user allows, and it prints whoami's answer", async () => {
    const callbackPort = String(await freePort());
    const source = [
      ...readFileSync(new URL('../../docs/quickstart/mcp.md', import.meta.url), 'utf8').matchAll(
        /```js\n([\s\S]*?)```/g,
      ),
    ][1]![1]!
      .replaceAll('3005', port)
      .replaceAll('4568', callbackPort);
    const file = new URL('../../node_modules/.cache/meshid-quickstart/mcp-agent.mjs', import.meta.url);
    writeFileSync(file, source);
    agent = spawn(process.execPath, [file.pathname], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const printed = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) resolve(match);
        };
        agent!.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        agent!.once('exit', (code) => reject(new Error(`the agent exited with ${code}: ${output}`)));
        check();
      });
    const [, link] = await printed(/Open (\S+) and sign in/);
    const browser = new Browser(server.issuer);
    const consent = await browser.submit(await browser.open(new URL(link!)), '/login', {
      email: DEMO_EMAIL,
      password: server.demo!.user.password!,
    });
    expect(consent.html).to.include('Quick start agent').and.include('Use the demo&#39;s tools for you');
    const callback = (await browser.submit(consent, '/confirm')).leftTo!;
    expect(callback.origin).to.equal(`http://127.0.0.1:${callbackPort}`);
    expect(await (await fetch(callback)).text()).to.equal('Signed in: you can close this tab.');
    await printed(/whoami: user [\w-]+\n/);
  });
});

describe('quick start: device flow (docs/quickstart/device.md), its script run as printed', function () {
  this.timeout(30_000);
  let server: TestServer;
  let app: ReturnType<typeof spawn> | undefined;

  before(async () => {
    server = await startTestServer('quickstart-device', { DEMO_SEED: '1' });
  });
  after(async () => {
    app?.kill();
    await server.stop();
  });

  it('prints a code; the demo user enters it at /device and allows; the script gets its tokens', async () => {
    const source = /```js\n([\s\S]*?)```/
      .exec(readFileSync(new URL('../../docs/quickstart/device.md', import.meta.url), 'utf8'))![1]!
      .replaceAll('http://localhost:3000', server.issuer);
    const dir = new URL('../../node_modules/.cache/meshid-quickstart/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('device-login.mjs', dir);
    writeFileSync(file, source);
    app = spawn(process.execPath, [file.pathname], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const printed = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) resolve(match);
        };
        app!.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        app!.once('exit', (code) => reject(new Error(`the script exited with ${code}: ${output}`)));
        check();
      });
    const [, uri, code] = await printed(/Open (\S+) and enter (\S+)/);
    const browser = new Browser(server.issuer);
    const confirm = await browser.submit(await browser.open(uri!), '/device', { user_code: code! });
    expect(confirm.html).to.include('Demo TV app');
    const login = await browser.submit(confirm, '/device', { confirm: 'yes' });
    let done = await browser.submit(login, '/login', { email: DEMO_EMAIL, password: server.demo!.user.password! });
    // The demo's device app is not first-party: the user allows it on the consent screen.
    if (done.html.includes('/confirm"')) done = await browser.submit(done, '/confirm');
    expect(done.html).to.include('Device connected');
    await printed(/signed in as [\w-]+\naccess token for the API: ey/);
  });
});

describe('quick start: single-page app (docs/quickstart/spa.md), its page run as printed in Chromium', function () {
  this.timeout(60_000);
  let server: TestServer;
  let app: ReturnType<typeof spawn> | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;

  before(async function () {
    chromium = await launchChromium(this);
    server = await startTestServer('quickstart-spa', { DEMO_SEED: '1' });
  });
  after(async () => {
    app?.kill();
    await chromium?.close();
    await server?.stop();
  });

  it('signs the demo user in; the page redeems its code with PKCE from its own origin and shows the token', async () => {
    // A free port, never the demo's 4403: a public client of this provider registered for it.
    const port = String(await freePort());
    const client = await addWebClient(server, {
      redirect_uris: [`http://localhost:${port}/callback`],
      post_logout_redirect_uris: [],
      allowed_resources: [DEMO_API],
      token_endpoint_auth_method: 'none',
    });
    const source = /```js\n([\s\S]*?)```/
      .exec(readFileSync(new URL('../../docs/quickstart/spa.md', import.meta.url), 'utf8'))![1]!
      .replaceAll('http://localhost:3000', server.issuer)
      .replaceAll("'demo-spa'", `'${client.clientId}'`)
      .replaceAll('4403', port);
    const dir = new URL('../../node_modules/.cache/meshid-quickstart/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('spa.mjs', dir);
    writeFileSync(file, source);
    app = spawn(process.execPath, [file.pathname], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      app!.stdout!.on(
        'data',
        (chunk: Buffer) => chunk.toString().includes(`open http://localhost:${port}/`) && resolve(),
      );
      app!.once('exit', (code) => reject(new Error(`the sample exited with ${code}`)));
    });

    const page = await (await chromium!.newContext()).newPage();
    const errors = watchConsole(page);
    await page.goto(`http://localhost:${port}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(DEMO_EMAIL);
    await page.getByLabel('Password').fill(server.demo!.user.password!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForSelector('text=Signed in:');
    expect(await page.textContent('#out')).to.equal(
      `Signed in: an access token for ${DEMO_API} with scope orders:read`,
    );
    // The callback's code is gone from the address bar: a reload starts again.
    expect(new URL(page.url()).pathname).to.equal('/');
    expect(errors).to.deep.equal([]);
  });
});
