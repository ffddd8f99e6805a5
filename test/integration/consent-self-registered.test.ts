import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { API, addApi, addUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const REDIRECT = 'http://127.0.0.1:4567/callback';

describe('consent for a dynamically registered client', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('consent-self-registered', { REGISTRATION: 'open', REGISTRATION_RESOURCES: API });
    await addApi(server);
  });
  after(() => server.stop());

  it('says the application registered itself, is not verified, and where the browser goes next', async () => {
    const registered = await fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Totally Official App', redirect_uris: [REDIRECT] }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const config = await oidc.discovery(new URL(server.issuer), clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'orders:read',
      resource: API,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const login = await browser.open(url);
    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(consent.html).to.include('Allow access?');
    const notice = /<p class="notice" id="client-origin"[^>]*>([\s\S]*?)<\/p>/.exec(consent.html)?.[1] ?? '';
    expect(notice.replace(/\s+/g, ' '), consent.html).to.include('registered itself').and.include('not verified');
    expect(notice).to.include('127.0.0.1:4567');
  });
});
