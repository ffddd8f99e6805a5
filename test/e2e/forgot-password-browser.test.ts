import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';

import { addUser, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

/**
 * "Forgot password?" as a newcomer on the demo meets it: no mail server, the mail read on the
 * development page, the link followed, a new password set, and a sign-in with it.
 */
describe('forgot password in a real browser (Chromium, development mail page)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let user: TestUser;

  before(async function () {
    browser = await launchChromium(this);
    server = await startTestServer('e2e-forgot');
    user = await addUser(server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function checkPage(page: Page, name: string, errors: string[]): Promise<void> {
    await screenshot(page, `forgot-${name}`);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    expect(errors, `console errors on ${name}`).to.deep.equal([]);
  }

  it('asks for a link, reads it on /dev/mail, sets a new password and signs in with it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);

    await page.goto(`${server.issuer}/account`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/\/password\/forgot/);
    await checkPage(page, 'ask', errors);
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.waitForSelector('text=a link to choose a new password is on its way');
    await checkPage(page, 'sent', errors);

    await page.goto(`${server.issuer}/dev/mail`);
    await page.waitForSelector(`text=To ${user.email}`);
    await checkPage(page, 'dev-mail', errors);
    await page.locator('a[href*="/password/reset?token="]').first().click();
    await page.waitForSelector('text=Choose a new password');
    await page.getByLabel('New password').fill('password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForSelector('text=New password refused');
    await checkPage(
      page,
      'refused',
      errors.splice(0).filter((e) => !e.includes('status of 400')),
    );
    await page.getByLabel('New password').fill('a brand new passphrase 42');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForSelector('text=Your password is changed');
    await checkPage(page, 'done', errors);

    await page.getByRole('link', { name: 'Go to your account' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('a brand new passphrase 42');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${server.issuer}/account`);
    expect(await page.content()).to.include(user.email);
    await context.close();
  });
});
