import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import * as oidc from 'openid-client';

import { runAdmin, runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import { API, addApi, addServiceClient, addWebClient, type TestClient } from '../helpers/fixtures.ts';
import { relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

const OTHER_API = 'https://other-api.test.example';
const KEK = Buffer.alloc(32, 27).toString('base64');

/**
 * Any confidential client introspects another client's user tokens and learns who the user is
 * and what the token may do (RFC 7662 4 leaves who may ask to the server).
 */
describe('attack: introspecting tokens of another client', () => {
  const t = useTestServer('attack-introspection', {
    env: { CLIENT_CACHE_TTL: '0', KEY_ENCRYPTION_KEY: KEK },
    setup: async (server, user) => {
      await addApi(server, OTHER_API);
      const victim = await addWebClient(server, { allowed_resources: [API, OTHER_API] });
      const plain = await signInWithCode(server.issuer, victim, user);
      const forApi = await signInWithCode(
        server.issuer,
        victim,
        user,
        { scope: 'openid orders:read', resource: API },
        plain.browser,
      );
      // the victim's tokens: an opaque one (for /me), a JWT for the API, and a refresh token
      return {
        victim,
        opaque: plain.tokens.access_token,
        jwt: forApi.tokens.access_token,
        refresh: plain.tokens.refresh_token!,
      };
    },
  });

  async function introspect(client: TestClient, token: string) {
    return oidc.tokenIntrospection(await relyingParty(t.server.issuer, client), token);
  }

  it("another confidential client learns nothing of a user's tokens: opaque, JWT or refresh", async () => {
    const attacker = await addWebClient(t.server);
    for (const token of [t.opaque, t.jwt, t.refresh]) {
      expect(await introspect(attacker, token)).to.deep.equal({ active: false });
    }
  });

  it('a service client of another API learns nothing of tokens for this API', async () => {
    const otherApi = await addServiceClient(t.server, { resource_server_of: [OTHER_API] });
    for (const token of [t.opaque, t.jwt, t.refresh]) {
      expect(await introspect(otherApi, token)).to.deep.equal({ active: false });
    }
  });

  it('the client the tokens were issued to still introspects them', async () => {
    for (const token of [t.opaque, t.jwt, t.refresh]) {
      expect(await introspect(t.victim, token)).to.include({
        active: true,
        client_id: t.victim.clientId,
        sub: t.user.id,
      });
    }
  });

  it("the API's own credentials introspect tokens for that API, and only those", async () => {
    const api = await addServiceClient(t.server, { resource_server_of: [API] });
    expect(await introspect(api, t.jwt)).to.include({ active: true, sub: t.user.id, aud: API, scope: 'orders:read' });
    expect(await introspect(api, t.opaque)).to.deep.equal({ active: false });
    expect(await introspect(api, t.refresh)).to.deep.equal({ active: false });

    const service = await addServiceClient(t.server);
    const cc = await oidc.clientCredentialsGrant(await relyingParty(t.server.issuer, service), {
      resource: API,
      scope: 'orders:read',
    });
    expect(await introspect(api, cc.access_token)).to.include({ active: true, client_id: service.clientId });
  });

  it("an operator makes a client an API's credentials, and takes it back, with the admin CLI", async () => {
    const added = await runAdmin(t.server, KEK, [
      'clients',
      'add',
      '--type',
      'service',
      '--resource-server-of',
      API,
      '--json',
    ]);
    expect(added.code, added.stderr).to.equal(0);
    const { client_id: clientId, client_secret: clientSecret } = JSON.parse(added.stdout) as Record<string, string>;
    const api = { clientId: clientId!, clientSecret: clientSecret! };
    expect(await introspect(api, t.jwt)).to.include({ active: true, sub: t.user.id });

    const revoked = await runAdmin(t.server, KEK, ['clients', 'set-introspection', api.clientId]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(await introspect(api, t.jwt)).to.deep.equal({ active: false });

    const any = await runAdmin(t.server, KEK, ['clients', 'set-introspection', api.clientId, '--any']);
    expect(any.code, any.stderr).to.equal(0);
    expect(await introspect(api, t.refresh)).to.include({ active: true, sub: t.user.id });
  });

  it("a configuration file declares an API's credentials (resourceServerOf)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'introspection-')), 'meshid.yaml');
    writeFileSync(
      file,
      `clients:\n  - id: orders-gateway\n    type: service\n    secret: { env: GATEWAY_SECRET }\n    resourceServerOf: [${API}]\n`,
    );
    const secret = 'gateway-secret-0123456789abcdef0123456789';
    const applied = await runAdminWith(
      {
        MONGODB_URI: testDatabaseUri(),
        MONGODB_DATABASE: t.server.connection.name,
        KEY_ENCRYPTION_KEY: KEK,
        GATEWAY_SECRET: secret,
      },
      ['apply', file],
    );
    expect(applied.code, applied.stderr).to.equal(0);
    const gateway = { clientId: 'orders-gateway', clientSecret: secret };
    expect(await introspect(gateway, t.jwt)).to.include({ active: true, sub: t.user.id });
    expect(await introspect(gateway, t.opaque)).to.deep.equal({ active: false });
  });

  it('a client the operator allowed to introspect every token does', async () => {
    const auditor = await addServiceClient(t.server, { introspect_any: true });
    for (const token of [t.opaque, t.jwt, t.refresh]) {
      expect(await introspect(auditor, token)).to.include({ active: true, sub: t.user.id });
    }
  });
});
