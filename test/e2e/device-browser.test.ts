import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';

import { DEVICE_CODE_GRANT } from '../../provider/clients/client-template.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

/** The device flow's user side in a real browser: the code page, sign-in, the confirmation, allow and deny. */
describe('device sign-in in a real browser (Chromium, the /device page)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let user: TestUser;
  let device: TestClient;
  let config: oidc.Configuration;

  before(async function () {
    browser = await launchChromium(this);
    server = await startTestServer('e2e-device');
    user = await addUser(server);
    device = await addWebClient(server, {
      client_name: 'Living-room TV',
      redirect_uris: [],
      post_logout_redirect_uris: [],
      response_types: [],
      grant_types: [DEVICE_CODE_GRANT],
      token_endpoint_auth_method: 'none',
      first_party: true,
    });
    config = await oidc.discovery(new URL(server.issuer), device.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function checkPage(page: Page, name: string, errors: string[]): Promise<void> {
    await screenshot(page, `device-${name}`);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    expect(errors, `console errors on ${name}`).to.deep.equal([]);
  }

  it('enters the code, signs in, allows: the device gets its tokens', async () => {
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(started.verification_uri);
    await checkPage(page, 'code', errors);
    await page.getByLabel('Code').fill(started.user_code.toLowerCase());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('text=Allow this device?');
    await checkPage(page, 'confirm', errors);
    expect(await page.content())
      .to.include(started.user_code)
      .and.include('Living-room TV');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('text=Device connected');
    await checkPage(page, 'done', errors);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, started);
    expect(tokens.claims()!.sub).to.equal(user.id);
    await context.close();
  });

  it('opens verification_uri_complete straight to the confirmation, and denies', async () => {
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    // The code in the link is posted straight on (oidc-provider's form post): the confirmation comes first.
    await page.goto(started.verification_uri_complete!);
    await page.waitForSelector('text=Allow this device?');
    expect(await page.content()).to.include(started.user_code);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForSelector('text=denied');
    await checkPage(page, 'denied', errors);
    const refused = await oidc.pollDeviceAuthorizationGrant(config, started).then(
      () => 'tokens',
      (err: { error?: string }) => err.error,
    );
    expect(refused).to.equal('access_denied');
    await context.close();
  });
});
