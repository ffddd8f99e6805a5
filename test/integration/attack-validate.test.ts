import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { API, addApi, addServiceClient, addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const OTHER_API = 'https://payroll.attack.example';

/** A gateway that forgets ?audience= must not let every token of the provider through. */
describe('attack: a token for another API (or only for /me) at a gateway that names no audience', () => {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((server) => server.stop())));

  async function setUp(env: Record<string, string> = {}) {
    const server = await startTestServer('attack-validate', env);
    servers.push(server);
    await addApi(server);
    await addApi(server, OTHER_API, ['orders:read']);
    const service = await addServiceClient(server, { allowed_resources: [API, OTHER_API] });
    const config = await relyingParty(server.issuer, service);
    const tokenFor = async (resource: string) =>
      (await oidc.clientCredentialsGrant(config, { resource, scope: 'orders:read' })).access_token;
    const validate = (token: string, query = '') =>
      fetch(`${server.issuer}/validate${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { server, tokenFor, validate };
  }

  it('without an audience from the query or configuration, every token is refused with a 401 that says why', async () => {
    const { tokenFor, validate } = await setUp();
    const response = await validate(await tokenFor(OTHER_API));
    expect(response.status).to.equal(401);
    expect(response.headers.get('www-authenticate'))
      .to.include('error="invalid_request"')
      .and.include('audience is required');
    expect(await response.json()).to.include({ active: false, error: 'invalid_request' });
  });

  it("VALIDATE_DEFAULT_AUDIENCE lets the API's own tokens through and keeps the other API's out", async () => {
    const { tokenFor, validate } = await setUp({ VALIDATE_DEFAULT_AUDIENCE: API });
    expect((await validate(await tokenFor(API))).status).to.equal(200);
    const other = await validate(await tokenFor(OTHER_API));
    expect(other.status).to.equal(403);
    expect(other.headers.get('www-authenticate')).to.include('another audience');
    // The query still wins for a gateway in front of another API.
    expect((await validate(await tokenFor(OTHER_API), `?audience=${encodeURIComponent(OTHER_API)}`)).status).to.equal(
      200,
    );
  });

  it("names an MCP server's resource metadata in its challenges when the gateway asks (RFC 9728)", async () => {
    const { server, tokenFor, validate } = await setUp({ VALIDATE_DEFAULT_AUDIENCE: API });
    const metadata = 'https://mcp.example.test/.well-known/oauth-protected-resource/mcp';
    const query = `?resource_metadata=${encodeURIComponent(metadata)}`;
    const missing = await fetch(`${server.issuer}/validate${query}`);
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.include(`resource_metadata="${metadata}"`);
    const forged = await validate('garbage', query);
    expect(forged.headers.get('www-authenticate'))
      .to.include(`resource_metadata="${metadata}"`)
      .and.include('invalid_token');
    const bad = await validate('garbage', `?resource_metadata=${encodeURIComponent('javascript:"x"')}`);
    expect(bad.headers.get('www-authenticate')).not.to.include('resource_metadata');
    expect((await validate(await tokenFor(API), query)).status).to.equal(200);
  });

  it("a user token only good at /me (no audience) passes no API's gateway", async () => {
    const { server, validate } = await setUp({ VALIDATE_DEFAULT_AUDIENCE: API });
    const user = await addUser(server);
    const config = await relyingParty(server.issuer, await addWebClient(server));
    const request = await authorizationRequest(config);
    const { access_token: userinfoOnly } = await redeem(
      config,
      request,
      await signIn(new Browser(server.issuer), request, user),
    );
    expect((await validate(userinfoOnly)).status).to.equal(403);
  });
});
