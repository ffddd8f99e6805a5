import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty } from '../helpers/relying-party.ts';
import { type CallbackServer, startCallbackServer } from '../helpers/callback-server.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

describe('sign-in, consent, errors and the account page in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let user: TestUser;
  let appA: TestClient;
  let appB: TestClient;
  // The relying parties' callback: a real page on loopback, as an app would serve.
  let callbackServer: CallbackServer;
  let callback: string;
  let callbackPattern: RegExp;

  before(async function () {
    browser = await launchChromium(this);
    callbackServer = await startCallbackServer();
    callback = callbackServer.url;
    callbackPattern = callbackServer.pattern;
    server = await startTestServer('e2e-flows');
    user = await addUser(server);
    appA = await addWebClient(server, { client_name: 'Orders App', redirect_uris: [callback] });
    appB = await addWebClient(server, { client_name: 'Billing App', redirect_uris: [callback] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    callbackServer?.close();
  });

  function newContext(): Promise<BrowserContext> {
    return browser.newContext();
  }

  const request = async (client: TestClient, params: Record<string, string> = {}) => {
    const config = await relyingParty(server.issuer, client);
    return { config, request: await authorizationRequest(config, { redirect_uri: callback, ...params }) };
  };

  /** Waits for the callback, allowing access on the way if the consent screen comes first. */
  async function backAtTheApp(page: Page): Promise<void> {
    await page.waitForURL((url) => callbackPattern.test(url.href) || url.pathname.startsWith('/interaction/'));
    if (!callbackPattern.test(page.url())) {
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(callbackPattern);
    }
  }

  /** `allowedStatus`: an error page is expected, so the browser's "status 400" console line is too. */
  async function checkPage(page: Page, name: string, errors: string[], allowedStatus?: number): Promise<void> {
    await screenshot(page, name);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    const unexpected = errors.filter((e) => !allowedStatus || !e.includes(`status of ${allowedStatus}`));
    expect(unexpected, `console errors on ${name}`).to.deep.equal([]);
  }

  it('signs in with consent (keyboard only), then a second app gets single sign-on', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    const { config, request: first } = await request(appA);

    await page.goto(first.url.href);
    await checkPage(page, 'flow-login', errors);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByLabel('Password').press('Enter');

    await page.waitForSelector('text=Allow access?');
    await checkPage(page, 'flow-consent', errors);
    expect(await page.content()).to.include('Orders App');
    await page.getByRole('button', { name: 'Allow' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(callbackPattern);
    const tokens = await redeem(config, first, new URL(page.url()));
    expect(tokens.claims()!.sub).to.equal(user.id);

    const { config: configB, request: requestB } = await request(appB);
    await page.goto(requestB.url.href);
    await page.waitForSelector('text=Allow access?');
    expect(await page.locator('input[type=password]').count(), 'no password asked again').to.equal(0);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(callbackPattern);
    expect((await redeem(configB, requestB, new URL(page.url()))).claims()!.sub).to.equal(user.id);
    await context.close();
  });

  it('shows an error page, and goes nowhere, for a redirect URI the app never registered', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    const { request: bad } = await request(appA, { redirect_uri: 'https://evil.example/callback' });
    const response = await page.goto(bad.url.href);
    expect(response!.status()).to.equal(400);
    expect(page.url()).to.match(new RegExp(`^${server.issuer}/auth`));
    expect(await page.textContent('main')).to.include('asked to return to an address it has not registered');
    await checkPage(page, 'flow-bad-redirect', errors, 400);
    await context.close();
  });

  it('changes the password, revokes an application and signs out on the account page', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    // Give appA access first, through the real screens.
    const { config, request: first } = await request(appA);
    await page.goto(first.url.href);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await backAtTheApp(page);
    const tokens = await redeem(config, first, new URL(page.url()));

    await page.goto(`${server.issuer}/account`);
    await checkPage(page, 'account', errors);
    expect(await page.textContent('main')).to.include('Orders App');

    await page.getByLabel('Current password').fill(user.password);
    await page.getByLabel('New password').fill('a completely new pass phrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('text=Password changed.');
    user.password = 'a completely new pass phrase';
    await checkPage(page, 'account-password-changed', errors);

    // The password change already revoked every grant; give access again and revoke it here.
    const { request: again } = await request(appA);
    await page.goto(again.url.href);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(callbackPattern);
    const fresh = await redeem(config, again, new URL(page.url()));
    await page.goto(`${server.issuer}/account`);
    await page.getByRole('button', { name: 'Revoke access of Orders App' }).click();
    await page.waitForSelector('text=Access revoked.');
    await checkPage(page, 'account-revoked', errors);
    const refused = await oidc.refreshTokenGrant(config, fresh.refresh_token!).then(
      () => 'worked',
      () => 'refused',
    );
    expect(refused).to.equal('refused');
    expect(tokens.refresh_token).to.be.a('string');

    await page.getByRole('link', { name: 'Sign out' }).click();
    await checkPage(page, 'sign-out-confirm', errors);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForSelector('text=Signed out');
    await checkPage(page, 'signed-out', errors);
    await page.goto(`${server.issuer}/account`);
    await page.waitForURL(/\/interaction\//);
    await context.close();
  });
});
