import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { addWebClient, CALLBACK, type TestClient } from '../helpers/fixtures.ts';
import { redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

describe('pushed authorization requests (RFC 9126), with openid-client', () => {
  const t = useTestServer('par', {
    api: false,
    setup: async (server) => ({
      client: await addWebClient(server, { first_party: true }),
      strict: await addWebClient(server, { first_party: true, require_pushed_authorization_requests: true }),
    }),
  });

  async function parRequest(forClient: TestClient) {
    const config = await relyingParty(t.server.issuer, forClient);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { config, request: { url, verifier, state, nonce } };
  }

  it('advertises the endpoint in discovery', async () => {
    const config = await relyingParty(t.server.issuer, t.client);
    expect(config.serverMetadata().pushed_authorization_request_endpoint).to.equal(`${t.server.issuer}/request`);
    // Optional for clients by default (the member is left out when false).
    expect(config.serverMetadata().require_pushed_authorization_requests ?? false).to.equal(false);
  });

  it('signs in through the usual screens with only a request_uri in the browser, once', async () => {
    const { config, request } = await parRequest(t.client);
    expect([...request.url.searchParams.keys()].sort()).to.deep.equal(['client_id', 'request_uri']);
    const browser = new Browser(t.server.issuer);
    const callback = await signIn(browser, request, t.user);
    const tokens = await redeem(config, request, callback);
    expect(tokens.claims()!.sub).to.equal(t.user.id);

    const again = await new Browser(t.server.issuer).open(request.url);
    expect(again.leftTo, 'a request_uri is single use').to.equal(undefined);
    expect(again.status).to.equal(400);
    expect(again.html).to.include('invalid_request_uri');
  });

  it('refuses a plain authorization request from a client that must push it', async () => {
    const config = await relyingParty(t.server.issuer, t.strict);
    const plain = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const page = await new Browser(t.server.issuer).open(plain);
    expect(page.leftTo?.searchParams.get('error')).to.equal('invalid_request');
    expect(page.leftTo?.searchParams.get('error_description')).to.match(/Pushed Authorization Request must be used/i);

    const { config: pushed, request } = await parRequest(t.strict);
    const callback = await signIn(new Browser(t.server.issuer), request, t.user);
    expect((await redeem(pushed, request, callback)).claims()!.sub).to.equal(t.user.id);
  });

  it('refuses to push for a client that does not authenticate, or with an unregistered redirect URI', async () => {
    const anonymous = await fetch(`${t.server.issuer}/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: t.client.clientId, response_type: 'code', scope: 'openid' }),
    });
    expect(anonymous.status).to.equal(401);
    expect(((await anonymous.json()) as { error: string }).error).to.equal('invalid_client');
    const config = await relyingParty(t.server.issuer, t.client);
    const refused = await oidc
      .buildAuthorizationUrlWithPAR(config, {
        redirect_uri: 'https://evil.example/callback',
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      })
      .then(
        () => 'pushed',
        (err: { error?: string }) => err.error,
      );
    expect(refused, 'an unregistered redirect_uri is refused at /request already').to.equal('invalid_request');
  });
});
