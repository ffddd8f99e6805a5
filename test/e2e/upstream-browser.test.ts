import { expect } from 'chai';
import type * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { addIdp } from '../../provider/upstream/manage-idps.ts';
import { type CallbackServer, startCallbackServer } from '../helpers/callback-server.ts';
import { addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startUpstreamProvider, type UpstreamProvider } from '../helpers/upstream-provider.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

const KEK = Buffer.alloc(32, 23).toString('base64');

/**
 * Sign-in through an upstream OpenID Provider in Chromium, with openid-client as the app:
 * "Continue with …", the upstream's own login page, and back; home-realm discovery on the
 * email field; linking to an existing account with its password; a lying upstream refused.
 */
describe('upstream identity providers in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let upstream: UpstreamProvider;
  let browser: Browser;
  let callbackServer: CallbackServer;
  let rp: oidc.Configuration;

  before(async function () {
    browser = await launchChromium(this);
    callbackServer = await startCallbackServer();
    // Our provider on localhost, the upstream on 127.0.0.1: two sites, two cookie jars, as in life.
    server = await startTestServer('e2e-upstream', { KEY_ENCRYPTION_KEY: KEK }, { issuerHost: 'localhost' });
    upstream = await startUpstreamProvider([`${server.issuer}/upstream/corp/callback`]);
    await addIdp(server.connection, Buffer.from(KEK, 'base64'), {
      id: 'corp',
      type: 'oidc',
      displayName: 'Corp SSO',
      issuer: upstream.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret,
      provision: true,
      domains: ['corp.example'],
      icon: {
        contentType: 'image/svg+xml',
        data: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><rect width="20" height="20" rx="4" fill="#2a5db0"/></svg>',
        ),
      },
    });
    rp = await relyingParty(
      server.issuer,
      await addWebClient(server, { client_name: 'Orders App', redirect_uris: [callbackServer.url] }),
    );
  });
  after(async () => {
    await browser?.close();
    await upstream?.close();
    await server?.stop();
    callbackServer?.close();
  });

  async function checkPage(page: Page, name: string, errors: string[], allowedStatus?: number): Promise<void> {
    await screenshot(page, `upstream-${name}`);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    const unexpected = errors.filter((e) => !(allowedStatus && e.includes(`status of ${allowedStatus}`)));
    expect(unexpected, `console errors on ${name}`).to.deep.equal([]);
  }

  /** The upstream's own development login page: any password. Its console is not ours to judge. */
  async function signInUpstream(page: Page, login: string, errors: string[]): Promise<void> {
    await page.waitForURL((url) => url.origin === upstream.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.origin !== upstream.issuer);
    errors.splice(0);
  }

  async function backAtTheApp(page: Page): Promise<URL> {
    await page.waitForURL((url) => callbackServer.pattern.test(url.href) || url.pathname.startsWith('/interaction/'));
    if (!callbackServer.pattern.test(page.url())) {
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(callbackServer.pattern);
    }
    return new URL(page.url());
  }

  it('signs a new user in just in time with "Continue with Corp SSO"', async () => {
    upstream.users.set('dana', { email: 'dana@partner.example', email_verified: true, name: 'Dana' });
    const request = await authorizationRequest(rp, { redirect_uri: callbackServer.url });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(request.url.href);
    await page.getByRole('button', { name: 'Continue with Corp SSO' }).waitFor();
    await checkPage(page, 'login-buttons', errors);
    await page.getByRole('button', { name: 'Continue with Corp SSO' }).click();
    await signInUpstream(page, 'dana', errors);
    const tokens = await redeem(rp, request, await backAtTheApp(page));
    const account = await accountModel(server.connection).findOne({ email: 'dana@partner.example' }).lean();
    expect(tokens.claims()!.sub).to.equal(account?._id);
    expect(tokens.claims()!.amr).to.deep.equal(['fed']);
    await context.close();
  });

  it('home-realm discovery: a company address hides the password and goes to its provider', async () => {
    upstream.users.set('erin', { email: 'erin@corp.example', email_verified: true });
    const request = await authorizationRequest(rp, { redirect_uri: callbackServer.url });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(request.url.href);
    await page.getByLabel('Email').fill('erin@corp.example');
    await page.getByText('Accounts at corp.example sign in with Corp SSO.').waitFor();
    expect(await page.getByLabel('Password').isVisible()).to.equal(false);
    await checkPage(page, 'home-realm', errors);
    await page.locator('[data-submit]').click();
    await signInUpstream(page, 'erin', errors);
    const tokens = await redeem(rp, request, await backAtTheApp(page));
    const account = await accountModel(server.connection).findOne({ email: 'erin@corp.example' }).lean();
    expect(tokens.claims()!.sub).to.equal(account?._id);
    await context.close();
  });

  it('links to an existing account after its password, and refuses a lying upstream with a page', async () => {
    const local = await addUser(server, 'frank@partner.example');
    upstream.users.set('frank', { email: 'frank@partner.example', email_verified: true });
    const request = await authorizationRequest(rp, { redirect_uri: callbackServer.url });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(request.url.href);
    await page.getByRole('button', { name: 'Continue with Corp SSO' }).click();
    await signInUpstream(page, 'frank', errors);
    await page.getByRole('heading', { name: 'Link your Corp SSO sign-in' }).waitFor();
    await checkPage(page, 'link', errors);
    await page.getByLabel('Password of this account').fill(local.password);
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    const tokens = await redeem(rp, request, await backAtTheApp(page));
    expect(tokens.claims()!.sub).to.equal(local.id);

    await context.close();

    // A fresh browser (no session at the upstream either), and an upstream whose ID token signature is broken.
    upstream.tamper = { kind: 'signature' };
    const fresh = await browser.newContext();
    try {
      const page = await fresh.newPage();
      const errors = watchConsole(page);
      const second = await authorizationRequest(rp, { redirect_uri: callbackServer.url });
      await page.goto(second.url.href);
      await page.getByRole('button', { name: 'Continue with Corp SSO' }).click();
      await signInUpstream(page, 'frank', errors);
      await page.getByText('could not be verified').waitFor();
      await checkPage(page, 'refused', errors, 502);
      await page.getByRole('link', { name: 'Back to sign in' }).click();
      await page.getByRole('button', { name: 'Continue with Corp SSO' }).waitFor();
    } finally {
      upstream.tamper = undefined;
      await fresh.close();
    }
  });
});
