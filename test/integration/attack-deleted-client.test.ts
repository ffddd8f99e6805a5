import { expect } from 'chai';
import * as oidc from 'openid-client';

import { runAdmin } from '../helpers/admin-cli.ts';
import { API, addApi, addServiceClient, addWebClient } from '../helpers/fixtures.ts';
import { relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 23).toString('base64');

/** A client removed for misbehaving keeps calling APIs with the JWTs it already holds. */
describe('attack: using the tokens of a deleted client', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('attack-deleted-client', {
      KEY_ENCRYPTION_KEY: KEK,
      CLIENT_CACHE_TTL: '0',
      VALIDATE_CACHE_SECONDS: '1',
    });
  });
  after(() => server.stop());

  it('after `admin clients delete`, its JWTs fail /validate and introspect inactive', async () => {
    await addApi(server);
    const doomed = await addServiceClient(server, { resource_scopes: { [API]: ['orders:read'] } });
    const { access_token: token } = await oidc.clientCredentialsGrant(await relyingParty(server.issuer, doomed), {
      resource: API,
      scope: 'orders:read',
    });
    const validate = () =>
      fetch(`${server.issuer}/validate?audience=${encodeURIComponent(API)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const introspector = await relyingParty(server.issuer, await addWebClient(server, { resource_server_of: [API] }));
    expect((await validate()).status).to.equal(200);
    expect((await oidc.tokenIntrospection(introspector, token)).active).to.equal(true);

    const deleted = await runAdmin(server, KEK, ['clients', 'delete', doomed.clientId]);
    expect(deleted.code, deleted.stderr).to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // VALIDATE_CACHE_SECONDS
    expect((await validate()).status).to.equal(401);
    expect(await oidc.tokenIntrospection(introspector, token)).to.deep.equal({ active: false });
  });
});
