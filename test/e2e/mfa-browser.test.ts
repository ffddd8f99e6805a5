import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';

import { grantAdmin } from '../../provider/admin/admin-api-resource.ts';
import { mailedEnrollmentCode } from '../helpers/enrollment-email.ts';
import { addUser, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { totpCode } from '../helpers/totp.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

describe('two-step verification in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let user: TestUser;

  before(async function () {
    browser = await launchChromium(this);
    server = await startTestServer('e2e-mfa', { MFA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
    user = await addUser(server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (page: Page, name: string) => screenshot(page, `mfa-${name}`);

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.issuer}/account`);
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await shot(page, 'login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  it('signs in, enrolls TOTP from the secret on the screen, signs out, and signs in again with a code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();

    await signIn(page);
    await page.waitForURL(`${server.issuer}/account`);
    await shot(page, 'account');
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();

    await page.waitForSelector('#totp-secret');
    await shot(page, 'enroll');
    const qr = page.locator('img.qr');
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).to.equal(true);
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Code from the app').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();

    await page.waitForSelector('#recovery-codes');
    await shot(page, 'recovery-codes');
    expect(await page.locator('#recovery-codes li').count()).to.equal(10);
    await page.getByRole('link', { name: /continue/ }).click();
    await page.waitForURL(`${server.issuer}/account`);
    expect(await page.content()).to.include('Recovery codes left: 10');

    await page.getByRole('link', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForSelector('text=Signed out');
    await shot(page, 'signed-out');

    await signIn(page);
    await page.waitForSelector('text=Enter the 6-digit code');
    await shot(page, 'mfa');
    // The next step's code: the enrollment already used this step's.
    await page.getByLabel('Code').fill(await totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.issuer}/account`);
    await shot(page, 'signed-in-with-code');
    expect(await page.content()).to.include(user.email);
    await context.close();
  });

  it("an administrator's first factor: the code mailed to the owner first, then the app, then the console", async () => {
    const admin = await addUser(server);
    await grantAdmin(server.connection, server.issuer, admin.id, 'admin');
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(`${server.issuer}/admin`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await page.waitForSelector('#email-code');
    await shot(page, 'email-proof');
    expect(await page.locator('#proof-email').textContent()).to.equal(`${admin.email[0]}***@example.test`);
    expect(await page.locator('#totp-secret').count()).to.equal(0);
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    await page.getByLabel('Code from the email').fill(await mailedEnrollmentCode(server, admin.email));
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForSelector('#totp-secret');
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Code from the app').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.waitForSelector('#recovery-codes');
    await page.getByRole('link', { name: /continue/ }).click();
    await page.waitForURL(`${server.issuer}/admin`);
    expect(await page.content()).to.include('Dashboard');
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
