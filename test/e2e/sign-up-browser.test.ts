import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';

import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

/** Self-registration as a visitor meets it: the form, the mail (development page), the confirmation, the first sign-in. */
describe('self-registration in a real browser (Chromium, development mail page)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    browser = await launchChromium(this);
    server = await startTestServer('e2e-sign-up', { SIGNUP: 'open' });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function checkPage(page: Page, name: string, errors: string[]): Promise<void> {
    await screenshot(page, `sign-up-${name}`);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    expect(errors, `console errors on ${name}`).to.deep.equal([]);
  }

  it('creates an account, confirms the address from the mail, and signs in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    const email = `visitor-${Date.now()}@example.test`;
    const password = 'my own long passphrase 3';

    await page.goto(`${server.issuer}/account`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/signup$/);
    await checkPage(page, 'form', errors);
    const trap = await page.locator('#website').boundingBox();
    expect(trap!.x + trap!.width, 'the honeypot is off-screen').to.be.at.most(0);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name (optional)').fill('Visitor');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForSelector('text=Check your inbox');
    await checkPage(page, 'sent', errors);

    await page.goto(`${server.issuer}/dev/mail`);
    await page.waitForSelector(`text=To ${email}`);
    await page.locator('a[href*="/email/verify?token="]').first().click();
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.waitForSelector('text=is confirmed');
    await checkPage(page, 'confirmed', errors);

    await page.getByRole('link', { name: 'Go to your account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${server.issuer}/account`);
    expect(await page.content()).to.include(email);
    await context.close();
  });
});
