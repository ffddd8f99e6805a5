import { expect } from 'chai';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

import { registerClient } from '../../provider/clients/register-client.ts';
import { Browser } from '../helpers/browser.ts';
import { API, basicAuth, addServiceClient, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

describe('tokens: refresh rotation, client credentials, introspection, revocation, logout', () => {
  const t = useTestServer('tokens', {
    setup: async (server) => ({
      web: await addWebClient(server),
      service: await addServiceClient(server, { resource_scopes: { [API]: ['orders:read'] } }),
    }),
  });

  async function signedIn(params: Record<string, string> = {}) {
    const config = await relyingParty(t.server.issuer, t.web);
    const browser = new Browser(t.server.issuer);
    const request = await authorizationRequest(config, params);
    const tokens = await redeem(config, request, await signIn(browser, request, t.user));
    issued.push(tokens.access_token, tokens.refresh_token!, tokens.id_token!);
    return { config, browser, tokens };
  }
  const issued: string[] = [];

  it('rotates the refresh token on every use, and a replayed one revokes the whole grant', async () => {
    const { config, tokens } = await signedIn();
    const first = tokens.refresh_token!;

    const second = await oidc.refreshTokenGrant(config, first);
    expect(second.refresh_token).to.be.a('string').and.not.equal(first);
    expect(second.access_token).not.to.equal(tokens.access_token);

    const third = await oidc.refreshTokenGrant(config, second.refresh_token!);
    expect((await oidc.tokenIntrospection(config, third.access_token)).active).to.equal(true);

    // Replay of the rotated first token: refused, and everything from the grant stops working.
    const replay = await oidc.refreshTokenGrant(config, first).then(
      () => undefined,
      (err: oidc.ResponseBodyError) => err,
    );
    expect(replay?.error).to.equal('invalid_grant');
    const afterReplay = await oidc.refreshTokenGrant(config, third.refresh_token!).then(
      () => undefined,
      (err: oidc.ResponseBodyError) => err,
    );
    expect(afterReplay?.error).to.equal('invalid_grant');
    expect(await oidc.tokenIntrospection(config, third.access_token)).to.deep.equal({ active: false });
  });

  it('never lets a refresh token widen its scope or serve another client', async () => {
    const { config, tokens } = await signedIn({ scope: 'openid email' });
    const wider = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { scope: 'openid email profile' }).then(
      () => undefined,
      (err: oidc.ResponseBodyError) => err,
    );
    expect(wider?.error).to.equal('invalid_scope');

    const other = await addWebClient(t.server);
    const otherConfig = await relyingParty(t.server.issuer, other);
    const stolen = await oidc.refreshTokenGrant(otherConfig, tokens.refresh_token!).then(
      () => undefined,
      (err: oidc.ResponseBodyError) => err,
    );
    expect(stolen?.error).to.equal('invalid_grant');
  });

  it('issues client-credentials JWTs (RFC 9068) that verify against /jwks', async () => {
    const config = await relyingParty(t.server.issuer, t.service);
    const response = await oidc.clientCredentialsGrant(config, { scope: 'orders:read', resource: API });
    expect(response.token_type).to.equal('bearer');
    expect(response.scope).to.equal('orders:read');
    expect(response.refresh_token).to.equal(undefined);

    const jwks = createRemoteJWKSet(new URL(`${t.server.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(response.access_token, jwks, {
      issuer: t.server.issuer,
      audience: API,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).to.equal('ES256');
    expect(payload.scope).to.equal('orders:read');
    expect(payload.client_id).to.equal(t.service.clientId);
    expect(payload.sub).to.equal(t.service.clientId);
    expect(payload.exp! - payload.iat!).to.equal(600);
  });

  it('narrows client credentials to the scopes the client is allowed at that API', async () => {
    const config = await relyingParty(t.server.issuer, t.service);
    const response = await oidc.clientCredentialsGrant(config, { scope: 'orders:read orders:write', resource: API });
    expect(response.scope).to.equal('orders:read');
  });

  it('authenticates a service with private_key_jwt (no shared secret)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { clientId } = await registerClient(t.server.provider, t.server.connection, {
      client_id: 'svc-private-key-jwt',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
      allowed_resources: [API],
    });
    const config = await oidc.discovery(new URL(t.server.issuer), clientId, undefined, oidc.PrivateKeyJwt(privateKey), {
      execute: [oidc.allowInsecureRequests],
    });
    const response = await oidc.clientCredentialsGrant(config, { scope: 'orders:write', resource: API });
    expect(response.scope).to.equal('orders:write');

    const { privateKey: otherKey } = await generateKeyPair('ES256');
    const impostor = await oidc.discovery(new URL(t.server.issuer), clientId, undefined, oidc.PrivateKeyJwt(otherKey), {
      execute: [oidc.allowInsecureRequests],
    });
    const refused = await oidc.clientCredentialsGrant(impostor, { resource: API }).then(
      () => undefined,
      (err: oidc.ResponseBodyError) => err,
    );
    expect(refused?.error).to.equal('invalid_client');
  });

  it('uses the only allowed API when client credentials name no resource', async () => {
    const config = await relyingParty(t.server.issuer, t.service);
    const response = await oidc.clientCredentialsGrant(config, { scope: 'orders:read' });
    const jwks = createRemoteJWKSet(new URL(`${t.server.issuer}/jwks`));
    const { payload } = await jwtVerify(response.access_token, jwks, { issuer: t.server.issuer, audience: API });
    expect(payload.scope).to.equal('orders:read');
  });

  it('issues a JWT for the API a user consented to, with its audience and scopes', async () => {
    const { tokens } = await signedIn({ scope: 'openid orders:read', resource: API });
    const jwks = createRemoteJWKSet(new URL(`${t.server.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: t.server.issuer,
      audience: API,
      typ: 'at+jwt',
    });
    expect(payload.sub).to.equal(t.user.id);
    expect(payload.scope).to.equal('orders:read');
  });

  it('introspects opaque and JWT tokens as active, and anything else as exactly {"active":false}', async () => {
    const { config, tokens } = await signedIn();
    const opaque = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(opaque).to.include({ active: true, sub: t.user.id, client_id: t.web.clientId });

    const serviceConfig = await relyingParty(t.server.issuer, t.service);
    const cc = await oidc.clientCredentialsGrant(serviceConfig, { scope: 'orders:read', resource: API });
    const jwt = await oidc.tokenIntrospection(serviceConfig, cc.access_token);
    expect(jwt).to.include({
      active: true,
      client_id: t.service.clientId,
      scope: 'orders:read',
      aud: API,
      iss: t.server.issuer,
      token_type: 'Bearer',
    });
    expect(jwt).not.to.have.property('gid');

    expect(await oidc.tokenIntrospection(config, 'not-a-token')).to.deep.equal({ active: false });
    const [h, p] = cc.access_token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    expect(await oidc.tokenIntrospection(config, forged)).to.deep.equal({ active: false });
  });

  it('reports a user JWT inactive once its grant is revoked', async () => {
    const { config, tokens } = await signedIn({ scope: 'openid orders:read', resource: API });
    const before = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(before).to.include({ active: true, sub: t.user.id, aud: API });
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).to.deep.equal({ active: false });
  });

  it('requires client authentication for introspection and revocation', async () => {
    for (const path of ['/token/introspection', '/token/revocation']) {
      const post = (headers: Record<string, string>) =>
        fetch(`${t.server.issuer}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: 'token=abc',
        });
      // No credentials at all: oidc-provider cannot even name the client.
      const anonymous = await post({});
      expect(anonymous.status, path).to.equal(400);
      expect((await anonymous.json()).error).to.equal('invalid_request');

      const wrong = await post({ authorization: basicAuth(t.web, 'wrong') });
      expect(wrong.status, path).to.equal(401);
      expect(wrong.headers.get('www-authenticate')).to.match(/^Basic /);
      expect((await wrong.json()).error).to.equal('invalid_client');
    }
  });

  it('revokes an access token and a refresh token (RFC 7009)', async () => {
    const { config, tokens } = await signedIn();
    await oidc.tokenRevocation(config, tokens.access_token);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).to.deep.equal({ active: false });
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    const refused = await oidc.refreshTokenGrant(config, tokens.refresh_token!).then(
      () => undefined,
      (err: oidc.ResponseBodyError) => err,
    );
    expect(refused?.error).to.equal('invalid_grant');
  });

  it('ends the session on RP-initiated logout: the next authorization asks for a password', async () => {
    const { config, browser, tokens } = await signedIn();
    const logoutUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:9999/',
      state: 'bye',
    });
    const confirm = await browser.open(logoutUrl);
    expect(confirm.status).to.equal(200);
    expect(confirm.html).to.include('Sign out?');
    const done = await browser.submit(confirm, '', { logout: 'yes' });
    expect(done.leftTo!.href).to.equal('http://127.0.0.1:9999/?state=bye');

    const request = await authorizationRequest(config, { prompt: 'none' });
    const page = await browser.open(request.url);
    expect(page.leftTo!.searchParams.get('error')).to.equal('login_required');
  });

  it('wrote no password, client secret or token to its logs while doing all of the above', () => {
    expect(t.server.logs.length).to.be.greaterThan(20);
    const output = t.server.logs.join('\n');
    for (const secret of [t.user.password, t.web.clientSecret, t.service.clientSecret, ...issued]) {
      expect(output.includes(secret), 'a secret appeared in the logs').to.equal(false);
    }
  });
});
