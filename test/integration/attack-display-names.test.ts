import { expect } from 'chai';

import { adminApiToken } from '../helpers/admin-api.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

type Json = Record<string, unknown>;

const NAMES: Record<string, string> = {
  NUL: 'Photo\u0000App',
  'a lone surrogate': 'Photo\ud800App',
  'a right-to-left override': 'Photo\u202egpj.exe',
};

/** Names that render as something else on a consent screen, through both doors that take them. */
describe('attack: control and bidi-override characters in client names', () => {
  let server: TestServer;
  let admin: string;
  before(async () => {
    server = await startTestServer('attack-display-names', {
      REGISTRATION: 'open',
      ADMIN_API_CALLS_PER_MINUTE: '1000',
    });
    admin = await adminApiToken(server, 'admin:clients');
  });
  after(() => server.stop());

  for (const [label, name] of Object.entries(NAMES)) {
    it(`refuses ${label} in a name through the admin API (400 naming the field)`, async () => {
      const response = await fetch(`${server.issuer}/admin/api/v1/clients`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'service', name }),
      });
      expect(response.status).to.equal(400);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).to.include('name');
    });

    it(`refuses ${label} in client_name at open registration (invalid_client_metadata)`, async () => {
      const response = await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: name, redirect_uris: ['https://app.example/cb'] }),
      });
      expect(response.status).to.equal(400);
      const body = (await response.json()) as Json;
      expect(body.error).to.equal('invalid_client_metadata');
      expect(body.error_description).to.include('client_name');
    });
  }

  it('refuses a client_name of more than 200 characters at open registration, and takes 200 emoji', async () => {
    const register = (body: Json) =>
      fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, redirect_uris: ['https://app.example/cb'] }),
      });
    const long = await register({ client_name: 'x'.repeat(201) });
    expect(long.status).to.equal(400);
    expect(await long.json()).to.deep.include({ error: 'invalid_client_metadata' });
    expect((await register({ client_name: '🚀'.repeat(200) })).status).to.equal(201);
    // A language-tagged name (OpenID Connect Registration 2.1) is not kept, so nothing shows it.
    const tagged = await register({ client_name: 'App', 'client_name#fr': 'Photo\u202egpj.exe' });
    expect(tagged.status).to.equal(201);
    expect(await tagged.json()).to.not.have.property('client_name#fr');
  });

  it('still takes an ordinary name in any script', async () => {
    const response = await fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Zürich Café 東京 🚀', redirect_uris: ['https://app.example/cb'] }),
    });
    expect(response.status).to.equal(201);
  });
});
