import { expect } from 'chai';
import * as oidc from 'openid-client';

import { oidcModel } from '../../adapters/mongodb.ts';
import { DEVICE_CODE_GRANT } from '../../provider/clients/client-template.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { addApi, addUser, addWebClient, API, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { errorText } from '../helpers/login-attempt.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** A device client: public, the device grant only (what `clients add --type device` makes). */
function addDeviceClient(server: TestServer): Promise<TestClient> {
  return addWebClient(server, {
    client_name: 'Living-room TV',
    redirect_uris: [],
    post_logout_redirect_uris: [],
    response_types: [],
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  });
}

function deviceConfig(server: TestServer, client: TestClient) {
  return oidc.discovery(new URL(server.issuer), client.clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** One poll of the token endpoint, as the device makes it (RFC 8628 3.4). */
async function poll(server: TestServer, client: TestClient, deviceCode: string) {
  const response = await fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: client.clientId }),
  });
  return (await response.json()) as { error?: string; access_token?: string; id_token?: string };
}

describe('device authorization grant (RFC 8628), openid-client on the device, the /device page for the user', function () {
  this.timeout(30_000);
  let server: TestServer;
  let device: TestClient;
  let user: TestUser;

  before(async () => {
    server = await startTestServer('device-flow');
    await addApi(server);
    device = await addDeviceClient(server);
    user = await addUser(server);
  });
  after(() => server.stop());

  /** The user's side: the code page, the code as typed (lower case, no dash), the confirmation page. */
  async function enterCode(userCode: string): Promise<{ browser: Browser; confirm: Page }> {
    const browser = new Browser(server.issuer);
    const page = await browser.open('/device');
    expect(page.html).to.include('Connect a device');
    const typed = userCode.replace('-', '').toLowerCase();
    const confirm = await browser.submit(page, '/device', { user_code: typed });
    return { browser, confirm };
  }

  it('advertises the endpoint, then signs a device in end to end', async () => {
    const config = await deviceConfig(server, device);
    expect(config.serverMetadata().device_authorization_endpoint).to.equal(`${server.issuer}/device/auth`);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid orders:read', resource: API });
    expect(started.user_code).to.match(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.verification_uri).to.equal(`${server.issuer}/device`);

    expect((await poll(server, device, started.device_code)).error).to.equal('authorization_pending');
    expect((await poll(server, device, started.device_code)).error, 'polled faster than the interval').to.equal(
      'slow_down',
    );

    const { browser, confirm } = await enterCode(started.user_code);
    expect(confirm.html).to.include('Living-room TV').and.include(started.user_code).and.include('orders:read');
    const login = await browser.submit(confirm, '/device', { confirm: 'yes' });
    const done = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(done.html).to.include('Device connected');

    // The library waits the interval (grown by the slow_down) between polls.
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, started);
    expect(tokens.claims()!.sub).to.equal(user.id);
    expect(tokens.access_token.split('.')).to.have.length(3); // a JWT for the API
  });

  it('lets the user deny it: the device gets access_denied', async () => {
    const config = await deviceConfig(server, device);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const { browser, confirm } = await enterCode(started.user_code);
    const denied = await browser.submit(confirm, '/device', { abort: 'yes' });
    expect(denied.html).to.include('denied');
    expect((await poll(server, device, started.device_code)).error).to.equal('access_denied');
  });

  it('says clearly when a code is unknown, used or expired', async () => {
    const unknown = await enterCode('BCDF-GHJK');
    expect(unknown.confirm.status).to.equal(400);
    expect(errorText(unknown.confirm)).to.match(/^That code is not right/);

    const config = await deviceConfig(server, device);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    await oidcModel(server.connection, 'DeviceCode').updateMany(
      { 'payload.clientId': device.clientId, 'payload.userCode': started.user_code.replace('-', '') },
      { $set: { 'payload.exp': Math.floor(Date.now() / 1000) - 10 } },
    );
    const expired = await enterCode(started.user_code);
    expect(errorText(expired.confirm)).to.match(/^That code has expired/);
    expect((await poll(server, device, started.device_code)).error).to.equal('expired_token');
  });
});

describe('device flow: the code entry is rate limited', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('device-flow-limit');
  });
  after(() => server.stop());

  it('takes 30 code entries per 15 minutes from one address, then answers 429', async () => {
    const browser = new Browser(server.issuer);
    const page = await browser.open('/device');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1)
      statuses.push((await browser.submit(page, '/device', { user_code: 'BCDFGHJK' })).status);
    expect(statuses.slice(0, 30).every((status) => status === 400)).to.equal(true);
    expect(statuses[30]).to.equal(429);
  });
});
