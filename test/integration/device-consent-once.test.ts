import { expect } from 'chai';
import * as oidc from 'openid-client';

import { DEVICE_CODE_GRANT } from '../../provider/clients/client-template.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { API, addApi, addUser, addWebClient } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** The pages that ask the user to allow something: their heading starts with "Allow". */
const asksToAllow = (page: Page) => /<h1>\s*Allow/.test(page.html);

describe('device flow with a third-party client: the user is asked to allow access once', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('device-consent-once');
  });
  after(() => server.stop());

  it('checks the code on the device page, then asks for consent on the consent screen only', async () => {
    await addApi(server);
    const device = await addWebClient(server, {
      client_name: 'Partner TV app',
      redirect_uris: [],
      post_logout_redirect_uris: [],
      response_types: [],
      grant_types: [DEVICE_CODE_GRANT],
      token_endpoint_auth_method: 'none',
      first_party: false,
    });
    const user = await addUser(server);
    const config = await oidc.discovery(new URL(server.issuer), device.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid orders:read', resource: API });

    const browser = new Browser(server.issuer);
    const pages: Page[] = [];
    const entry = await browser.open('/device');
    const confirm = await browser.submit(entry, '/device', { user_code: started.user_code });
    pages.push(confirm);
    expect(confirm.html).to.include(started.user_code).and.include('Partner TV app');
    const login = await browser.submit(confirm, '/device', { confirm: 'yes' });
    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    pages.push(consent);
    expect(consent.html).to.include('Allow access?');
    const done = await browser.submit(consent, '/confirm');
    expect(done.html).to.include('Device connected');
    expect(pages.filter(asksToAllow).map((page) => /<h1>([^<]*)/.exec(page.html)?.[1])).to.deep.equal([
      'Allow access?',
    ]);
  });
});
