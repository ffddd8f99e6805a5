import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

/** RFC 9449 5 and 7.1: a replayed proof is `invalid_dpop_proof`, at /token and at userinfo alike. */
describe('DPoP errors name the proof (RFC 9449)', () => {
  const t = useTestServer('dpop-errors', {
    setup: async (server) => ({ client: await addWebClient(server, { first_party: true }) }),
  });

  /** openid-client with a DPoP handle, keeping the last proof it sent to each path. */
  async function recordingClient(keys: CryptoKeyPair) {
    const config = await relyingParty(t.server.issuer, t.client);
    const proofs = new Map<string, string>();
    config[oidc.customFetch] = (url, options) => {
      const proof = new Headers(options.headers).get('dpop');
      if (proof) proofs.set(new URL(url).pathname, proof);
      return fetch(url, options as RequestInit);
    };
    return { config, proofs, DPoP: oidc.getDPoPHandle(config, keys) };
  }

  async function codeFor(config: oidc.Configuration) {
    const request = await authorizationRequest(config);
    return { request, callback: await signIn(new Browser(t.server.issuer), request, t.user) };
  }

  it('answers invalid_dpop_proof to a proof replayed at /token', async () => {
    const { config, proofs, DPoP } = await recordingClient(await oidc.randomDPoPKeyPair('ES256'));
    const first = await codeFor(config);
    await oidc.authorizationCodeGrant(
      config,
      first.callback,
      {
        pkceCodeVerifier: first.request.verifier,
        expectedState: first.request.state,
        expectedNonce: first.request.nonce,
      },
      undefined,
      { DPoP },
    );
    const used = proofs.get('/token')!;

    const second = await codeFor(config);
    const replayed = await fetch(`${t.server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${t.client.clientId}:${t.client.clientSecret}`).toString('base64')}`,
        dpop: used,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: second.callback.searchParams.get('code')!,
        redirect_uri: second.request.url.searchParams.get('redirect_uri')!,
        code_verifier: second.request.verifier,
      }).toString(),
    });
    expect(replayed.status).to.equal(400);
    const body = (await replayed.json()) as { error: string; error_description: string };
    expect(body.error).to.equal('invalid_dpop_proof');
    expect(body.error_description).to.match(/already used/);
  });

  it('answers invalid_dpop_proof with a DPoP challenge to a proof replayed at userinfo', async () => {
    const { config, proofs, DPoP } = await recordingClient(await oidc.randomDPoPKeyPair('ES256'));
    const { request, callback } = await codeFor(config);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      undefined,
      { DPoP },
    );
    await oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck, { DPoP });
    const used = proofs.get('/me')!;

    const replayed = await fetch(`${t.server.issuer}/me`, {
      headers: { authorization: `DPoP ${tokens.access_token}`, dpop: used },
    });
    expect(replayed.status).to.equal(401);
    const challenge = replayed.headers.get('www-authenticate') ?? '';
    expect(challenge).to.match(/^DPoP /);
    expect(challenge).to.include('error="invalid_dpop_proof"');
    expect(challenge).to.include('algs="');
    expect(((await replayed.json()) as { error: string }).error).to.equal('invalid_dpop_proof');
  });
});
