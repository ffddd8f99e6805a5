import { expect } from 'chai';
import type { Browser } from 'playwright-core';

import { describeScope } from '../../provider/resources/resource-server-directory.ts';
import { API, addApi, addUser, addWebClient, type TestClient } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { totpCode } from '../helpers/totp.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

/** The screens a new user met in the first hour, in a real browser. */
describe('first-hour screens in a real browser (Chromium): home, consent in words, forced enrollment', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let app: TestClient;

  before(async function () {
    browser = await launchChromium(this);
    server = await startTestServer('e2e-first-hour', { MFA_ENCRYPTION_KEY: Buffer.alloc(32, 31).toString('base64') });
    await addApi(server);
    await describeScope(server.connection, API, 'orders:read', 'See your orders');
    app = await addWebClient(server, { client_name: 'Orders App' });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a home page at / with the way to the account page', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = watchConsole(page);
    await page.goto(`${server.issuer}/`);
    await screenshot(page, 'home');
    expect(await page.getByRole('link', { name: 'Your account' }).getAttribute('href')).to.equal('/account');
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it("asks consent in words: the API's name and each scope's description, raw values small", async () => {
    const user = await addUser(server);
    const page = await (await browser.newContext()).newPage();
    const errors = watchConsole(page);
    const request = await authorizationRequest(await relyingParty(server.issuer, app), {
      scope: 'openid orders:read orders:write',
      resource: API,
    });
    await page.goto(request.url.href);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('text=Allow access?');
    await screenshot(page, 'consent-in-words');
    const text = (await page.locator('.scopes').textContent()) ?? '';
    expect(text).to.include('Test API').and.include('See your orders');
    expect(await page.locator('.scopes small.detail', { hasText: API }).count(), 'the raw indicator, small').to.equal(
      1,
    );
    expect(
      await page.locator('.scopes code', { hasText: 'orders:write' }).count(),
      'an undescribed scope, raw',
    ).to.equal(1);
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it('says why enrollment is forced, can be cancelled, and offers copy and download of the recovery codes', async () => {
    const strict = await addWebClient(server, { client_name: 'Payroll', require_mfa: true });
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    let page = await context.newPage();
    const errors = watchConsole(page);
    const signInTo = async () => {
      const user = await addUser(server);
      const request = await authorizationRequest(await relyingParty(server.issuer, strict));
      await page.goto(request.url.href);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForSelector('#totp-secret');
    };

    await signInTo();
    await screenshot(page, 'enroll-required');
    expect((await page.locator('#enroll-reason').textContent()) ?? '')
      .to.include('Your organisation requires two-step verification')
      .and.include('Payroll');
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    // Back to the app with access_denied (nothing listens at the test app's callback).
    await Promise.all([
      page.waitForRequest((r) => r.url().includes('error=access_denied')),
      page.getByRole('button', { name: 'Cancel' }).click(),
    ]);

    // A new user in a new browser (the cancelled one still has a password-only session).
    const fresh = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    page = await fresh.newPage();
    const freshErrors = watchConsole(page);
    await signInTo();
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Code from the app').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.waitForSelector('#recovery-codes');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.waitForSelector('text=Copied');
    const codes = await page.locator('#recovery-codes code').allInnerTexts();
    expect((await page.evaluate(() => navigator.clipboard.readText())).trim().split('\n')).to.deep.equal(codes);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal('recovery-codes.txt');
    await screenshot(page, 'recovery-codes-actions');
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    expect(freshErrors).to.deep.equal([]);
    await context.close();
    await fresh.close();
  });
});
