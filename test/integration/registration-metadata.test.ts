import { expect } from 'chai';

import { API, addApi } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const valid = {
  client_name: 'An MCP client',
  redirect_uris: ['http://127.0.0.1:4567/callback'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'],
};

/** Every field the registration policy reads, with values of the wrong JSON type. */
const WRONG_TYPES: [field: string, value: unknown][] = [
  ['redirect_uris', [{}]],
  ['redirect_uris', 'http://127.0.0.1:4567/callback'],
  ['redirect_uris', {}],
  ['redirect_uris', [1]],
  ['redirect_uris', null],
  ['post_logout_redirect_uris', [{}]],
  ['post_logout_redirect_uris', 'http://127.0.0.1:4567/'],
  ['grant_types', 'authorization_code'],
  ['grant_types', [{}]],
  ['grant_types', {}],
  ['response_types', 'code'],
  ['response_types', [['code']]],
  ['allowed_resources', 'x'],
  ['allowed_resources', [{}]],
  ['allowed_resources', 1],
  ['token_endpoint_auth_method', ['none']],
  ['token_endpoint_auth_method', {}],
  ['application_type', ['native']],
  ['application_type', 1],
  ['first_party', 'false'],
  ['require_mfa', 'false'],
];

/** RFC 7591 3.2.2 (and the library) name redirect URI problems invalid_redirect_uri. */
const errorFor = (field: string) => (field === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata');

async function send(server: TestServer, method: string, path: string, body: unknown, token?: string) {
  const response = await fetch(`${server.issuer}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('registration metadata of the wrong JSON type', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('registration-metadata', {
      REGISTRATION: 'open',
      REGISTRATION_RESOURCES: API,
      REGISTRATION_PER_HOUR: '1000',
    });
    await addApi(server);
  });
  after(() => server.stop());

  const serverErrors = () => server.logs.filter((line) => JSON.parse(line).level >= 50);

  it('answers 400 invalid_client_metadata (invalid_redirect_uri) naming the field, on registration (POST /reg)', async () => {
    const wrong: string[] = [];
    for (const [field, value] of WRONG_TYPES) {
      const answer = await send(server, 'POST', '/reg', { ...valid, [field]: value });
      const named = String(answer.body.error_description).includes(field);
      if (answer.status !== 400 || answer.body.error !== errorFor(field) || !named)
        wrong.push(`${field}: ${JSON.stringify(value)} → ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    expect(wrong).to.deep.equal([]);
    expect(serverErrors()).to.deep.equal([]);
  });

  it('answers the same on an update (PUT /reg/:id, RFC 7592)', async () => {
    const registered = await send(server, 'POST', '/reg', valid);
    expect(registered.status).to.equal(201);
    const { client_id: clientId, registration_access_token: token } = registered.body as Record<string, string>;
    const wrong: string[] = [];
    for (const [field, value] of WRONG_TYPES) {
      const body = { ...valid, client_id: clientId, [field]: value };
      const answer = await send(server, 'PUT', `/reg/${clientId}`, body, token);
      if (answer.status !== 400 || answer.body.error !== errorFor(field))
        wrong.push(`${field}: ${JSON.stringify(value)} → ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    expect(wrong).to.deep.equal([]);
    expect(serverErrors()).to.deep.equal([]);
  });
});

describe('a self-registered client that names no token_endpoint_auth_method', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('registration-default-auth', { REGISTRATION: 'open', REGISTRATION_RESOURCES: API });
    await addApi(server);
  });
  after(() => server.stop());

  it('is public (none, PKCE), as docs/registration.md says: no secret is issued', async () => {
    const { token_endpoint_auth_method: _omitted, ...metadata } = valid;
    const answer = await send(server, 'POST', '/reg', metadata);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.body.token_endpoint_auth_method).to.equal('none');
    expect(answer.body).to.not.have.property('client_secret');
  });

  it('still gets a secret when it asks for one', async () => {
    const answer = await send(server, 'POST', '/reg', { ...valid, token_endpoint_auth_method: 'client_secret_basic' });
    expect(answer.status).to.equal(201);
    expect(answer.body.client_secret).to.be.a('string');
  });
});
