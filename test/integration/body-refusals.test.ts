import { expect } from 'chai';

import { adminApiToken } from '../helpers/admin-api.ts';
import { Browser } from '../helpers/browser.ts';
import { addWebClient, basicAuth, type TestClient } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

type Json = Record<string, unknown>;

/** Bodies refused for what they are: too large (413), of the wrong type (415), ambiguous (400). */
describe('request bodies refused with the status that says why', () => {
  let server: TestServer;
  let admin: string;
  let web: TestClient;

  before(async () => {
    server = await startTestServer('body-refusals', { ADMIN_API_CALLS_PER_MINUTE: '1000' });
    admin = await adminApiToken(server, 'admin:clients');
    web = await addWebClient(server);
  });
  after(() => server.stop());

  function adminPost(path: string, body: string): Promise<Response> {
    return fetch(`${server.issuer}/admin/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body,
    });
  }

  it('answers an oversized admin API body with 413 and a problem document', async () => {
    const response = await adminPost('/clients', JSON.stringify({ type: 'service', name: 'x'.repeat(100_000) }));
    expect(response.status).to.equal(413);
    expect(response.headers.get('content-type')).to.include('application/problem+json');
    expect(((await response.json()) as Json).status).to.equal(413);
  });

  it('answers an oversized token request with 413 and an OAuth error', async () => {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(web) },
      body: `grant_type=client_credentials&x=${'a'.repeat(200_000)}`,
    });
    expect(response.status).to.equal(413);
    expect(((await response.json()) as Json).error).to.equal('invalid_request');
  });

  it('refuses duplicate keys in an admin API body with 400 naming the key, at any depth', async () => {
    const top = await adminPost('/clients', '{"type":"service","name":"First","name":"Second"}');
    expect(top.status).to.equal(400);
    const problem = (await top.json()) as Json;
    expect(problem.type).to.equal('/admin/api/v1/problems/duplicate-key');
    expect(problem.detail).to.include('"name"');

    const escaped = await adminPost('/clients', '{"type":"service","name":"A","n\\u0061me":"B"}');
    expect(escaped.status).to.equal(400);
    expect(((await escaped.json()) as Json).detail).to.include('"name"');

    const nested = await adminPost(
      '/clients',
      '{"type":"web","name":"N","redirect_uris":["https://a.example/cb"],"x":{"a":1,"a":2}}',
    );
    expect(nested.status).to.equal(400);
    expect(((await nested.json()) as Json).detail).to.include('x.a');

    const fine = await adminPost('/clients', '{"type":"service","name":"No key twice"}');
    expect(fine.status).to.equal(201);
  });

  for (const path of ['/token', '/token/introspection', '/token/revocation', '/request', '/device/auth']) {
    it(`refuses a form body declared as charset=utf-16 at ${path} instead of misreading it`, async () => {
      const response = await fetch(`${server.issuer}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-16',
          authorization: basicAuth(web),
        },
        body: Buffer.from('grant_type=client_credentials&token=abc', 'utf16le'),
      });
      expect(response.status).to.equal(415);
      const answer = (await response.json()) as Json;
      expect(answer.error).to.equal('invalid_request');
      expect(answer.error_description).to.include('UTF-16');
    });
  }

  it('still takes form bodies declared as UTF-8 or US-ASCII', async () => {
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'us-ascii']) {
      const response = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': `application/x-www-form-urlencoded; charset=${charset}`,
          authorization: basicAuth(web),
        },
        body: 'grant_type=authorization_code&code=nope&redirect_uri=https%3A%2F%2Fa.example%2Fcb',
      });
      expect(response.status, charset).to.equal(400);
      expect(((await response.json()) as Json).error, charset).to.equal('invalid_grant');
    }
  });

  for (const [label, type, body] of [
    ['JSON', 'application/json', '{"email":"a@example.com","password":"p"}'],
    ['text/plain', 'text/plain', 'email=a@example.com&password=p'],
    [
      'multipart',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--b--\r\n',
    ],
  ]) {
    it(`answers a sign-in form posted as ${label} with 415, not "form expired"`, async () => {
      const browser = new Browser(server.issuer);
      const config = await relyingParty(server.issuer, web);
      const page = await browser.open((await authorizationRequest(config)).url);
      const response = await browser.fetch(new URL(`${page.url.pathname}/login`, server.issuer), {
        method: 'POST',
        headers: { 'content-type': type as string, accept: 'text/html' },
        body,
      });
      expect(response.status).to.equal(415);
      expect(await response.text()).not.to.include('This form has expired');
    });
  }
});
