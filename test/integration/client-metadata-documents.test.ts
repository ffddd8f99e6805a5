import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { documentNetwork, type DocumentNetwork } from '../helpers/document-network.ts';
import { API, addApi, addUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const REDIRECT = 'http://127.0.0.1:4569/callback';
const AGENT = 'https://agent.example/client.json';

const agentDocument = (overrides: Record<string, unknown> = {}) => ({
  client_id: AGENT,
  client_name: 'An agent from the web',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...overrides,
});

/** An https URL as client_id (draft-ietf-oauth-client-id-metadata-document): MCP's way to register. */
describe('client ID metadata documents', function () {
  this.timeout(30_000);
  let network: DocumentNetwork;
  const servers: TestServer[] = [];
  before(async () => {
    network = await documentNetwork(['agent.example', 'evil.example']);
  });
  after(async () => {
    network.close();
    await Promise.all(servers.map((server) => server.stop()));
  });
  async function start(env: Record<string, string> = {}, fetch: typeof globalThis.fetch | undefined = network.fetch) {
    const server = await startTestServer(
      'cimd',
      { CLIENT_METADATA_DOCUMENTS: '1', REGISTRATION_RESOURCES: API, ...env },
      { outgoingFetch: fetch },
    );
    servers.push(server);
    await addApi(server);
    return server;
  }

  async function authorize(server: TestServer, clientId: string) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = new URL('/auth', server.issuer);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'orders:read',
      resource: API,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'abc',
    }).toString();
    const browser = new Browser(server.issuer);
    return { browser, verifier, page: await browser.open(url) };
  }

  it('signs a user in for a client known only by its document; consent says where it comes from and where it goes', async () => {
    const server = await start();
    network.serve('/client.json', { json: agentDocument(), headers: { 'cache-control': 'max-age=60' } });
    const metadata = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.client_id_metadata_document_supported).to.equal(true);

    const user = await addUser(server);
    const { browser, verifier, page } = await authorize(server, AGENT);
    const consent = await browser.submit(page, '/login', { email: user.email, password: user.password });
    expect(consent.html).to.include('An agent from the web').and.include('<strong>agent.example</strong>');
    expect(consent.html)
      .to.include('not verified')
      .and.include('<strong>127.0.0.1:4569</strong>')
      .and.include('your own computer');
    const back = await browser.submit(consent, '/confirm');
    const config = await oidc.discovery(new URL(server.issuer), AGENT, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.authorizationCodeGrant(config, back.leftTo!, {
      pkceCodeVerifier: verifier,
      expectedState: 'abc',
    });
    expect(tokens.scope).to.equal('orders:read');
  });

  it('refuses documents that redirect, are too large, name another client_id, ask for a secret or a bad redirect', async () => {
    const server = await start();
    const cases: [string, Parameters<DocumentNetwork['serve']>[1], string][] = [
      [
        '/redirect.json',
        { status: 302, headers: { location: 'https://evil.example/client.json' }, raw: '' },
        'invalid_client',
      ],
      [
        '/big.json',
        {
          raw: JSON.stringify({
            ...agentDocument({ client_id: 'https://agent.example/big.json' }),
            padding: 'x'.repeat(10_000),
          }),
        },
        'invalid_client',
      ],
      [
        '/wrong-id.json',
        { json: agentDocument({ client_id: 'https://agent.example/other.json' }) },
        'invalid_client_metadata',
      ],
      [
        '/secret.json',
        {
          json: agentDocument({
            client_id: 'https://agent.example/secret.json',
            token_endpoint_auth_method: 'client_secret_basic',
          }),
        },
        'invalid_client_metadata',
      ],
      // The registration policy: an http redirect off loopback, beside the one the request uses.
      [
        '/evil-redirect.json',
        {
          json: agentDocument({
            client_id: 'https://agent.example/evil-redirect.json',
            redirect_uris: [REDIRECT, 'http://evil.example/cb'],
          }),
        },
        'invalid_redirect_uri',
      ],
    ];
    for (const [path, answer, expected] of cases) {
      network.serve(path, answer);
      const { page } = await authorize(server, `https://agent.example${path}`);
      expect(page.leftTo, `${path}: never redirected`).to.equal(undefined);
      expect(page.status, path).to.equal(400);
      expect(page.html, path).to.include('Something went wrong');
      expect(/Error code: <code>([^<]+)/.exec(page.html)?.[1], path).to.equal(expected);
    }
  });

  it('takes no http URL as a metadata document: such a client_id is an unknown client', async () => {
    const server = await start();
    network.serve('/plain.json', { json: agentDocument({ client_id: 'http://agent.example/plain.json' }) });
    const { page } = await authorize(server, 'http://agent.example/plain.json');
    expect(page.status).to.equal(400);
    expect(page.leftTo).to.equal(undefined);
    expect(/Error code: <code>([^<]+)/.exec(page.html)?.[1]).to.equal('invalid_client');
  });

  it('fetches only listed hosts when CIMD_ALLOWED_HOSTS is set, and then shows them as verified', async () => {
    const server = await start({ CIMD_ALLOWED_HOSTS: 'agent.example' });
    network.serve('/client.json', { json: agentDocument() });
    network.serve('/evil.json', { json: agentDocument({ client_id: 'https://evil.example/evil.json' }) });
    const refused = await authorize(server, 'https://evil.example/evil.json');
    expect(refused.page.status).to.equal(400);
    const user = await addUser(server);
    const { browser, page } = await authorize(server, AGENT);
    const consent = await browser.submit(page, '/login', { email: user.email, password: user.password });
    expect(consent.html).to.include('<strong>agent.example</strong>').and.not.include('not verified');
  });

  it("refuses a document on a private or loopback address (the library's connect-time guard) outside development", async () => {
    const server = await start({}, undefined);
    const { page } = await authorize(server, 'https://127.0.0.1:9/client.json');
    expect(page.status).to.equal(400);
    expect(page.leftTo).to.equal(undefined);
  });
});
