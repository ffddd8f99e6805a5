import { expect } from 'chai';
import * as oidc from 'openid-client';

import { oidcModel } from '../../adapters/mongodb.ts';
import { API, addServiceClient, addWebClient } from '../helpers/fixtures.ts';
import { relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

describe('gateway validation: GET /validate', () => {
  const t = useTestServer('validate', {
    env: { VALIDATE_CACHE_SECONDS: '1' },
    setup: async (server) => ({
      service: await addServiceClient(server, { resource_scopes: { [API]: ['orders:read'] } }),
      web: await addWebClient(server),
    }),
  });

  const forApi = `?audience=${encodeURIComponent(API)}`;
  const validate = (token: string | undefined, query = forApi, method = 'GET') =>
    fetch(`${t.server.issuer}/validate${query}`, {
      method,
      headers:
        token === undefined
          ? {}
          : { authorization: token.startsWith('Bearer') || token.startsWith('Basic') ? token : `Bearer ${token}` },
    });
  const serviceToken = async () =>
    (
      await oidc.clientCredentialsGrant(await relyingParty(t.server.issuer, t.service), {
        resource: API,
        scope: 'orders:read',
      })
    ).access_token;
  async function userTokens(params: Record<string, string> = {}) {
    const { config, tokens } = await signInWithCode(t.server.issuer, t.web, t.user, params);
    return { config, tokens };
  }

  it('passes a service JWT with headers a gateway can forward, without touching the database', async () => {
    const token = await serviceToken();
    let commands = 0;
    const count = () => {
      commands += 1;
    };
    t.server.connection.getClient().on('commandStarted', count);
    const response = await validate(token);
    t.server.connection.getClient().off('commandStarted', count);
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-auth-subject')).to.equal(t.service.clientId);
    expect(response.headers.get('x-auth-client')).to.equal(t.service.clientId);
    expect(response.headers.get('x-auth-scope')).to.equal('orders:read');
    expect(response.headers.get('x-auth-audience')).to.equal(API);
    expect(await response.json()).to.include({ active: true, sub: t.service.clientId, scope: 'orders:read' });
    expect(commands).to.equal(0);
  });

  it('looks up an opaque user token, which has no API audience: it passes only a gateway for the issuer', async () => {
    const { tokens } = await userTokens();
    expect((await validate(tokens.access_token)).status).to.equal(403);
    const response = await validate(tokens.access_token, `?audience=${encodeURIComponent(t.server.issuer)}`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-auth-subject')).to.equal(t.user.id);
    expect(response.headers.get('x-auth-scope')).to.equal('openid profile email');
  });

  it('answers 401 with an RFC 6750 challenge for missing, malformed, garbage, forged and expired tokens', async () => {
    const missing = await validate(undefined);
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.equal(`Bearer realm="${t.server.issuer}"`);

    const { tokens } = await userTokens();
    await oidcModel(t.server.connection, 'AccessToken').updateOne(
      { _id: tokens.access_token },
      { $set: { 'payload.exp': Math.floor(Date.now() / 1000) - 60 } },
    );
    const [h, p] = (await serviceToken()).split('.');
    for (const [label, header] of [
      ['malformed', 'Bearer a b'],
      ['basic', 'Basic Zm9vOmJhcg=='],
      ['garbage', 'Bearer garbage'],
      ['forged', `Bearer ${h}.${p}.${'A'.repeat(86)}`],
      ['expired', `Bearer ${tokens.access_token}`],
    ]) {
      const response = await validate(header);
      expect(response.status, label).to.equal(401);
      expect(response.headers.get('www-authenticate'), label).to.match(/^Bearer realm="[^"]+", error="invalid_token"/);
    }
  });

  it('answers 403 insufficient_scope when a required scope or audience is missing', async () => {
    const token = await serviceToken();
    expect((await validate(token, `?scope=orders:read&audience=${encodeURIComponent(API)}`)).status).to.equal(200);
    const scope = await validate(token, `${forApi}&scope=orders:write`);
    expect(scope.status).to.equal(403);
    expect(scope.headers.get('www-authenticate'))
      .to.include('error="insufficient_scope"')
      .and.include('scope="orders:write"');
    const audience = await validate(token, '?audience=https://other.example');
    expect(audience.status).to.equal(403);
  });

  it('stops passing a revoked token within the stated bound (VALIDATE_CACHE_SECONDS)', async () => {
    const { config, tokens } = await userTokens({ scope: 'openid orders:read', resource: API });
    expect((await validate(tokens.access_token)).status).to.equal(200);
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5000) {
      status = (await validate(tokens.access_token)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).to.equal(401);
    expect(Date.now() - revokedAt).to.be.below(5000);
  });

  it('refuses other methods', async () => {
    expect((await validate(await serviceToken(), forApi, 'POST')).status).to.equal(405);
  });
});
