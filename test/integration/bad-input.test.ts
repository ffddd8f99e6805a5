import { expect } from 'chai';
import * as oidc from 'openid-client';

import { oidcModel } from '../../adapters/mongodb.ts';
import { Browser } from '../helpers/browser.ts';
import {
  API,
  CALLBACK,
  addApi,
  basicAuth,
  addServiceClient,
  addUser,
  addWebClient,
  type TestClient,
  type TestUser,
} from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signIn } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // S256 of RFC 7636's example verifier
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('bad input gets a clean RFC error, never a 5xx', () => {
  let server: TestServer;
  let user: TestUser;
  let web: TestClient;
  let service: TestClient;

  before(async () => {
    server = await startTestServer('bad-input');
    await addApi(server);
    await addApi(server, 'https://other-api.test.example', ['x:read']);
    user = await addUser(server);
    web = await addWebClient(server);
    service = await addServiceClient(server);
  });
  after(() => server.stop());

  function authorize(params: Record<string, string>): Promise<Response> {
    const url = new URL('/auth', server.issuer);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
  }

  const validAuth = () => ({
    client_id: web.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'st',
  });

  function token(body: Record<string, string>, authorization = basicAuth(web)): Promise<Response> {
    return fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams(body).toString(),
    });
  }

  async function codeFor(client: TestClient, browser = new Browser(server.issuer)): Promise<string> {
    const config = await relyingParty(server.issuer, client);
    // The challenge of the known VERIFIER, so tests can redeem the code by hand.
    const request = await authorizationRequest(config, { code_challenge: CHALLENGE, state: 'st' });
    const callback = await signIn(browser, request, user);
    return callback.searchParams.get('code')!;
  }

  describe('authorization endpoint', () => {
    it('shows an error page, without redirecting, for an unknown client', async () => {
      const response = await authorize({ ...validAuth(), client_id: 'nobody' });
      expect(response.status).to.equal(400);
      expect(response.headers.get('location')).to.equal(null);
      const html = await response.text();
      expect(html).to.include('invalid_client').and.not.include('    at ');
    });

    for (const [label, uri] of [
      ['an unregistered redirect URI', 'https://evil.example/callback'],
      ['an altered path', `${CALLBACK}/x`],
      ['an added query', `${CALLBACK}?next=evil`],
      ['another port', 'http://127.0.0.1:9998/callback'],
      ['a trailing slash', `${CALLBACK}/`],
      ['another case', 'http://127.0.0.1:9999/Callback'],
      ['localhost instead of 127.0.0.1', 'http://localhost:9999/callback'],
    ]) {
      it(`never redirects to ${label}`, async () => {
        const response = await authorize({ ...validAuth(), redirect_uri: uri! });
        expect(response.status).to.equal(400);
        expect(response.headers.get('location')).to.equal(null);
        expect(await response.text()).to.include('redirect');
      });
    }

    it('lets a native app vary the port of a loopback redirect URI (RFC 8252 7.3)', async () => {
      const native = await addWebClient(server, {
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/cb'],
        token_endpoint_auth_method: 'none',
        post_logout_redirect_uris: [],
      });
      const response = await authorize({
        ...validAuth(),
        client_id: native.clientId,
        redirect_uri: 'http://127.0.0.1:53123/cb',
      });
      expect(response.status).to.equal(303);
      expect(response.headers.get('location')).to.match(/^\/interaction\//);
    });

    for (const [label, change, error] of [
      ['missing PKCE', { code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
      ['plain PKCE', { code_challenge: VERIFIER, code_challenge_method: 'plain' }, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
      ['response_type=id_token', { response_type: 'id_token' }, 'unsupported_response_type'],
      ['an unknown scope', { scope: 'openid admin' }, null],
      ['an unknown resource', { resource: 'https://unknown.example' }, 'invalid_target'],
      ['a resource the client is not allowed', { resource: 'https://other-api.test.example' }, 'invalid_target'],
    ] as [string, Record<string, string>, string | null][]) {
      it(`returns the error to the registered redirect URI for ${label}`, async () => {
        const params: Record<string, string> = { ...validAuth(), ...change };
        for (const key of Object.keys(params)) if (params[key] === '') delete params[key];
        const response = await authorize(params);
        expect(response.status).to.be.within(300, 399);
        const location = new URL(response.headers.get('location')!, server.issuer);
        if (error === null) {
          // Unknown scopes are ignored (OIDC Core 3.1.2.1), so the sign-in simply proceeds.
          expect(location.pathname).to.match(/^\/interaction\//);
          return;
        }
        expect(location.origin + location.pathname).to.equal(CALLBACK);
        // An implicit response_type puts its error in the fragment (its default response mode).
        const answer = location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
        expect(answer.get('error')).to.equal(error);
        expect(answer.get('state')).to.equal('st');
        expect(answer.get('iss')).to.equal(server.issuer);
      });
    }

    it('names the unknown resource it was asked for, and only that one', async () => {
      const response = await authorize({ ...validAuth(), resource: 'https://unknown.example/typo' });
      const answer = new URL(response.headers.get('location')!, server.issuer).searchParams;
      expect(answer.get('error')).to.equal('invalid_target');
      expect(answer.get('error_description')).to.equal('unknown resource: https://unknown.example/typo');
    });

    it('refuses to register http redirect URIs except on loopback, and fragments', async () => {
      for (const uri of ['http://app.example.com/callback', 'https://app.example.com/cb#frag', 'javascript:alert(1)']) {
        const refused = await addWebClient(server, { redirect_uris: [uri] }).then(
          () => undefined,
          (err: { error?: string }) => err,
        );
        expect(refused?.error, uri).to.equal('invalid_client_metadata');
      }
      const refusedLogout = await addWebClient(server, { post_logout_redirect_uris: ['http://app.example.com/'] }).then(
        () => undefined,
        (err: { error?: string }) => err,
      );
      expect(refusedLogout?.error).to.equal('invalid_client_metadata');
      expect(
        (
          await addWebClient(server, {
            redirect_uris: ['https://app.example.com/callback', 'http://localhost:8080/cb'],
          })
        ).clientId,
      ).to.be.a('string');
    });

    it('never redirects to an unregistered post_logout_redirect_uri', async () => {
      const response = await fetch(
        `${server.issuer}/session/end?${new URLSearchParams({ client_id: web.clientId, post_logout_redirect_uri: 'https://evil.example/' })}`,
        {
          redirect: 'manual',
          headers: { accept: 'text/html' },
        },
      );
      expect(response.status).to.equal(400);
      expect(response.headers.get('location')).to.equal(null);
    });

    it('sends no CORS headers, even to a cross-origin caller', async () => {
      const response = await fetch(new URL(`/auth?${new URLSearchParams(validAuth())}`, server.issuer), {
        redirect: 'manual',
        headers: { origin: 'https://evil.example' },
      });
      expect(response.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });

  describe('token endpoint', () => {
    it('answers a wrong secret with 401 invalid_client and WWW-Authenticate', async () => {
      const response = await token({ grant_type: 'client_credentials' }, basicAuth(service, 'wrong'));
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.match(/^Basic realm=/);
      expect((await response.json()).error).to.equal('invalid_client');
    });

    it('answers an unknown client with 401 invalid_client', async () => {
      const response = await token(
        { grant_type: 'client_credentials' },
        basicAuth({ clientId: 'nobody', clientSecret: 'x' }),
      );
      expect(response.status).to.equal(401);
      expect((await response.json()).error).to.equal('invalid_client');
    });

    it('accepts client_secret_post as well as client_secret_basic', async () => {
      const postClient = await addServiceClient(server, { token_endpoint_auth_method: 'client_secret_post' });
      const ok = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: postClient.clientId,
          client_secret: postClient.clientSecret,
          resource: API,
        }).toString(),
      });
      expect(ok.status).to.equal(200);
      expect((await ok.json()).token_type).to.equal('Bearer');
    });

    it('refuses the password grant with unsupported_grant_type', async () => {
      const response = await token({ grant_type: 'password', username: user.email, password: user.password });
      expect(response.status).to.equal(400);
      expect((await response.json()).error).to.equal('unsupported_grant_type');
    });

    it('refuses client credentials to a client not registered for them (unauthorized_client)', async () => {
      const response = await token({ grant_type: 'client_credentials' });
      expect(response.status).to.equal(400);
      expect((await response.json()).error).to.equal('unauthorized_client');
    });

    it('refuses client credentials for an unknown or not-allowed resource (invalid_target)', async () => {
      for (const resource of [
        'https://unknown.example',
        'https://other-api.test.example',
        'not a uri',
        '/relative',
        `${API}#fragment`,
      ]) {
        const response = await token({ grant_type: 'client_credentials', resource }, basicAuth(service));
        expect(response.status, resource).to.equal(400);
        expect((await response.json()).error, resource).to.equal('invalid_target');
      }
    });

    it('binds a code to its client, its redirect URI and its verifier', async () => {
      const code = await codeFor(web);
      const other = await addWebClient(server);
      const wrongClient = await token(
        { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER },
        basicAuth(other),
      );
      expect((await wrongClient.json()).error).to.equal('invalid_grant');

      const code2 = await codeFor(web);
      const wrongUri = await token({
        grant_type: 'authorization_code',
        code: code2,
        redirect_uri: `${CALLBACK}x`,
        code_verifier: VERIFIER,
      });
      expect((await wrongUri.json()).error).to.equal('invalid_grant');

      const code3 = await codeFor(web);
      const wrongVerifier = await token({
        grant_type: 'authorization_code',
        code: code3,
        redirect_uri: CALLBACK,
        code_verifier: 'x'.repeat(43),
      });
      expect((await wrongVerifier.json()).error).to.equal('invalid_grant');
    });

    it('lets a code live 60 seconds at most', async () => {
      const code = await codeFor(web);
      const stored = await oidcModel(server.connection, 'AuthorizationCode').findById(code).lean();
      const payload = stored!.payload as { exp: number; iat: number };
      expect(payload.exp - payload.iat).to.be.at.most(60);
    });

    it('refuses a code used twice, and revokes the tokens of its first use', async () => {
      const code = await codeFor(web);
      const body = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER };
      const first = await (await token(body)).json();
      expect(first.access_token).to.be.a('string');

      const second = await token(body);
      expect(second.status).to.equal(400);
      expect((await second.json()).error).to.equal('invalid_grant');

      const config = await relyingParty(server.issuer, web);
      expect(await oidc.tokenIntrospection(config, first.access_token)).to.deep.equal({ active: false });
      const refresh = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
      expect((await refresh.json()).error).to.equal('invalid_grant');
    });

    it('answers malformed and oversized bodies with a 4xx and an error code', async () => {
      const cases: [string, RequestInit][] = [
        [
          'json body',
          {
            headers: { 'content-type': 'application/json', authorization: basicAuth(service) },
            body: '{"grant_type":"client_credentials"}',
          },
        ],
        [
          'broken encoding',
          {
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(service) },
            body: 'grant_type=%E0%A4%A',
          },
        ],
        ['no body', { headers: { authorization: basicAuth(service) } }],
        [
          'duplicate parameters',
          {
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(service) },
            body: 'grant_type=client_credentials&grant_type=client_credentials',
          },
        ],
        [
          'oversized',
          {
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(service) },
            body: `grant_type=client_credentials&x=${'a'.repeat(2_000_000)}`,
          },
        ],
        [
          'garbage authorization',
          {
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic %%%' },
            body: 'grant_type=client_credentials',
          },
        ],
      ];
      for (const [label, init] of cases) {
        const response = await fetch(`${server.issuer}/token`, { method: 'POST', ...init });
        expect(response.status, label).to.be.within(400, 499);
        const text = await response.text();
        expect(text, label).not.to.include('    at ');
        if (response.headers.get('content-type')?.includes('json'))
          expect(JSON.parse(text).error, label).to.be.a('string');
      }
    });
  });

  describe('screens and routes', () => {
    it('answers an unknown route with 404', async () => {
      const json = await fetch(`${server.issuer}/no/such/route`);
      expect(json.status).to.equal(404);
      expect((await json.json()).error).to.equal('not_found');
      const html = await fetch(`${server.issuer}/no/such/route`, { headers: { accept: 'text/html' } });
      expect(html.status).to.equal(404);
      expect(await html.text()).to.include('There is nothing at this address.');
    });

    it('shows a friendly page for an unknown or expired interaction', async () => {
      const response = await fetch(`${server.issuer}/interaction/unknown-uid`, { headers: { accept: 'text/html' } });
      expect(response.status).to.equal(400);
      const html = await response.text();
      expect(html).to.include('Your sign-in has expired').and.not.include('    at ');
      expect(response.headers.get('cache-control')).to.equal('no-store');
    });

    it('refuses a login form without its CSRF token', async () => {
      const browser = new Browser(server.issuer);
      const config = await relyingParty(server.issuer, web);
      const page = await browser.open((await authorizationRequest(config)).url);
      const noCsrf = await browser.submit(page, '/login', { email: user.email, password: user.password, csrf: '' });
      expect(noCsrf.status).to.equal(403);
      expect(noCsrf.html).to.include('This form has expired');
      const forged = await browser.submit(page, '/login', {
        email: user.email,
        password: user.password,
        csrf: 'forged',
      });
      expect(forged.status).to.equal(403);
    });

    it('refuses an oversized login form with a page, not a 5xx', async () => {
      const browser = new Browser(server.issuer);
      const config = await relyingParty(server.issuer, web);
      const page = await browser.open((await authorizationRequest(config)).url);
      const big = await browser.submit(page, '/login', { email: user.email, password: 'p'.repeat(100_000) });
      expect(big.status).to.equal(413);
      expect(big.html).not.to.include('    at ');
    });

    it('answers the login form post with 303 See Other', async () => {
      const browser = new Browser(server.issuer);
      const config = await relyingParty(server.issuer, web);
      const page = await browser.open((await authorizationRequest(config)).url);
      const form = page.html.match(/name="csrf" value="([^"]+)"/)![1]!;
      const response = await browser.fetch(new URL(`${page.url.pathname}/login`, server.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: form, email: user.email, password: user.password }).toString(),
      });
      expect(response.status).to.equal(303);
    });
  });
});
