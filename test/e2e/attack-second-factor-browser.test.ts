import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';

import { mfaModel } from '../../provider/mfa/mfa-model.ts';
import { addUser, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp } from '../helpers/totp.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

const ENCRYPTION_KEY = Buffer.alloc(32, 13).toString('base64');

/** The two password-only attacks on the second factor, tried as a person would in Chromium. */
describe('attack in a real browser (Chromium): the password alone against two-step verification', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let user: TestUser;

  before(async function () {
    browser = await launchChromium(this);
    server = await startTestServer('e2e-attack-mfa', { MFA_ENCRYPTION_KEY: ENCRYPTION_KEY });
    user = await addUser(server);
    await enrollTotp(server, user, ENCRYPTION_KEY);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function passwordOnly(page: Page): Promise<void> {
    await page.goto(`${server.issuer}/account`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('text=Enter the 6-digit code');
  }

  it('going to /account from the code screen shows the code screen again, not the account page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors = watchConsole(page);
    await passwordOnly(page);
    await page.goto(`${server.issuer}/account`);
    await page.waitForSelector('text=Enter the 6-digit code');
    await screenshot(page, 'attack-half-signed-in-account');
    expect(new URL(page.url()).pathname).to.match(/^\/interaction\//);
    expect(await page.content()).not.to.include('Turn off two-step verification');
    expect(consoleErrors).to.deep.equal([]);
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    await context.close();
  });

  it('posting the code screen to the enroll route shows an error page and no new secret', async () => {
    const before = (await mfaModel(server.connection).findById(user.id).lean())!.totpSecret;
    const context = await browser.newContext();
    const page = await context.newPage();
    await passwordOnly(page);
    await page.locator('form[action$="/mfa"]').evaluate((form: HTMLFormElement) => {
      form.action = `${form.action}/enroll`;
    });
    await page.getByLabel('Code').fill('000000');
    const [response] = await Promise.all([
      page.waitForResponse(/\/mfa\/enroll$/),
      page.getByRole('button', { name: 'Verify' }).click(),
    ]);
    await page.waitForLoadState();
    await screenshot(page, 'attack-enroll-at-verify');
    expect(response.status()).to.equal(400);
    expect(await page.content()).to.include('Enter the code from your app to continue.');
    expect(await page.locator('#totp-secret').count()).to.equal(0);
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    expect((await mfaModel(server.connection).findById(user.id).lean())!.totpSecret).to.equal(before);
    await context.close();
  });
});
