import { randomUUID } from 'node:crypto';

import { expect } from 'chai';
import { calculateJwkThumbprint, decodeJwt, exportJWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { addWebClient, API, basicAuth } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

/**
 * A DPoP proof as a resource server would receive it (RFC 9449 4): written here with jose so a
 * test can make the variants a client library never would (another URL, a reused jti).
 */
async function proof(
  keys: CryptoKeyPair,
  method: string,
  url: string,
  accessToken: string,
  { jti = randomUUID(), iat }: { jti?: string; iat?: number } = {},
): Promise<string> {
  const jwk = await exportJWK(keys.publicKey);
  const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))).toString(
    'base64url',
  );
  return new SignJWT({ htm: method, htu: url, jti, ath })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt(iat)
    .sign(keys.privateKey);
}

describe('DPoP (RFC 9449): bound tokens from the code flow, checked at /validate and introspection', () => {
  const t = useTestServer('dpop', {
    setup: async (server) => ({ client: await addWebClient(server, { first_party: true }) }),
  });

  /** A code flow whose token request carries DPoP proofs (openid-client handles the nonce round trip). */
  async function boundTokens(keys: CryptoKeyPair, forClient = t.client) {
    const config = await relyingParty(t.server.issuer, forClient);
    const request = await authorizationRequest(config, { scope: 'openid orders:read', resource: API });
    const callback = await signIn(new Browser(t.server.issuer), request, t.user);
    const DPoP = oidc.getDPoPHandle(config, keys);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      undefined,
      { DPoP },
    );
    return { config, tokens, DPoP };
  }

  const validateUrl = () => `${t.server.issuer}/validate?audience=${encodeURIComponent(API)}`;
  const validate = (headers: Record<string, string>) => fetch(validateUrl(), { headers });

  it('advertises DPoP and binds the access token to the key (cnf.jkt); refresh keeps the binding', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const { config, tokens, DPoP } = await boundTokens(keys);
    expect(config.serverMetadata().dpop_signing_alg_values_supported).to.include('ES256');
    expect(tokens.token_type).to.equal('dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keys.publicKey));
    expect((decodeJwt(tokens.access_token).cnf as { jkt: string }).jkt).to.equal(jkt);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect((decodeJwt(refreshed.access_token).cnf as { jkt: string }).jkt).to.equal(jkt);
  });

  it('/validate accepts a bound token only under the DPoP scheme with a fresh proof of its key for the request', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const { config, tokens, DPoP } = await boundTokens(keys);
    const token = tokens.access_token;

    const viaLibrary = await oidc.fetchProtectedResource(
      config,
      token,
      new URL(validateUrl()),
      'GET',
      null,
      undefined,
      {
        DPoP,
      },
    );
    expect(viaLibrary.status, 'openid-client with its DPoP handle').to.equal(200);

    const asBearer = await validate({ authorization: `Bearer ${token}` });
    expect(asBearer.status, 'a stolen bound token used as a bearer token').to.equal(401);
    expect(asBearer.headers.get('www-authenticate')).to.match(/^DPoP .*error="invalid_token"/);

    const noProof = await validate({ authorization: `DPoP ${token}` });
    expect(noProof.status).to.equal(401);
    expect(((await noProof.json()) as { error: string }).error).to.equal('invalid_dpop_proof');

    const good = await proof(keys, 'GET', `${t.server.issuer}/validate`, token);
    expect((await validate({ authorization: `DPoP ${token}`, dpop: good })).status).to.equal(200);
    const replayed = await validate({ authorization: `DPoP ${token}`, dpop: good });
    expect(replayed.status, 'a proof works once').to.equal(401);
    expect(((await replayed.json()) as { error_description: string }).error_description).to.include('already used');

    const otherUrl = await proof(keys, 'GET', 'https://api.test.example/elsewhere', token);
    expect((await validate({ authorization: `DPoP ${token}`, dpop: otherUrl })).status).to.equal(401);
    const otherKey = await proof(await oidc.randomDPoPKeyPair('ES256'), 'GET', `${t.server.issuer}/validate`, token);
    expect(
      (await validate({ authorization: `DPoP ${token}`, dpop: otherKey })).status,
      'a proof by another key',
    ).to.equal(401);
  });

  it('refuses a replayed proof in the last second of its freshness window', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const token = (await boundTokens(keys)).tokens.access_token;
    // iat 300 s ago: still fresh (|now - iat| <= 300), so the jti must still be remembered.
    // Retried when the second turns between making the proof and its first use.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const edge = await proof(keys, 'GET', `${t.server.issuer}/validate`, token, {
        iat: Math.floor(Date.now() / 1000) - 300,
      });
      if ((await validate({ authorization: `DPoP ${token}`, dpop: edge })).status !== 200) continue;
      const replayed = await validate({ authorization: `DPoP ${token}`, dpop: edge });
      expect(replayed.status).to.equal(401);
      return;
    }
    expect.fail('no proof at the edge of the window was accepted a first time');
  });

  it('checks the proof against the request a gateway forwards (Traefik and nginx headers)', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const { tokens } = await boundTokens(keys);
    const token = tokens.access_token;
    const resource = 'https://api.test.example/orders/7';
    const traefik = await validate({
      authorization: `DPoP ${token}`,
      dpop: await proof(keys, 'DELETE', resource, token),
      'x-forwarded-method': 'DELETE',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.test.example',
      'x-forwarded-uri': '/orders/7?force=1',
    });
    expect(traefik.status).to.equal(200);
    const nginx = await validate({
      authorization: `DPoP ${token}`,
      dpop: await proof(keys, 'GET', resource, token),
      'x-original-method': 'GET',
      'x-original-url': resource,
    });
    expect(nginx.status).to.equal(200);
    const wrongMethod = await validate({
      authorization: `DPoP ${token}`,
      dpop: await proof(keys, 'GET', resource, token),
      'x-original-method': 'POST',
      'x-original-url': resource,
    });
    expect(wrongMethod.status).to.equal(401);
  });

  it('does not take an unbound token under the DPoP scheme', async () => {
    const config = await relyingParty(t.server.issuer, t.client);
    const request = await authorizationRequest(config, { scope: 'openid orders:read', resource: API });
    const callback = await signIn(new Browser(t.server.issuer), request, t.user);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect((await validate({ authorization: `Bearer ${tokens.access_token}` })).status).to.equal(200);
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const asDpop = await validate({
      authorization: `DPoP ${tokens.access_token}`,
      dpop: await proof(keys, 'GET', `${t.server.issuer}/validate`, tokens.access_token),
    });
    expect(asDpop.status).to.equal(401);
  });

  it('introspection reports the binding: cnf.jkt and token_type DPoP', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const { tokens } = await boundTokens(keys);
    const response = await fetch(`${t.server.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(t.client) },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    const body = (await response.json()) as { active: boolean; token_type: string; cnf: { jkt: string } };
    expect(body).to.include({ active: true, token_type: 'DPoP' });
    expect(body.cnf.jkt).to.equal(await calculateJwkThumbprint(await exportJWK(keys.publicKey)));
  });

  it('a client that requires DPoP gets no token without a proof', async () => {
    const strict = await addWebClient(t.server, { first_party: true, dpop_bound_access_tokens: true });
    const config = await relyingParty(t.server.issuer, strict);
    const request = await authorizationRequest(config, { scope: 'openid orders:read', resource: API });
    const callback = await signIn(new Browser(t.server.issuer), request, t.user);
    const refused = await oidc
      .authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      })
      .then(
        () => 'issued',
        (err: { error?: string }) => err.error,
      );
    expect(refused, 'oidc-provider: "DPoP proof JWT not provided"').to.equal('invalid_grant');
    const { tokens } = await boundTokens(await oidc.randomDPoPKeyPair('ES256'), strict);
    expect(tokens.token_type).to.equal('dpop');
  });
});
