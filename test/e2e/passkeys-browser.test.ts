import { expect } from 'chai';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

import { ACR_PHISHING_RESISTANT } from '../../provider/mfa/acr.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty } from '../helpers/relying-party.ts';
import { type CallbackServer, startCallbackServer } from '../helpers/callback-server.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

/**
 * Passkeys end to end: Chromium's own WebAuthn stack with a virtual authenticator (Chrome
 * DevTools Protocol), so the page script, the browser library, the browser's checks of origin
 * and RP ID, and the server all take part. The issuer is `localhost`: browsers refuse passkeys
 * for IP addresses.
 */
describe('passkeys in a real browser (Chromium, virtual authenticator)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let user: TestUser;
  let app: TestClient;
  let callbackServer: CallbackServer;
  let callback: string;
  let callbackPattern: RegExp;

  before(async function () {
    browser = await launchChromium(this);
    callbackServer = await startCallbackServer();
    callback = callbackServer.url;
    callbackPattern = callbackServer.pattern;
    server = await startTestServer('e2e-passkeys', {}, { issuerHost: 'localhost' });
    user = await addUser(server);
    app = await addWebClient(server, { client_name: 'Orders App', redirect_uris: [callback], first_party: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    callbackServer?.close();
  });

  /** A browser context with a platform authenticator that verifies the user (like Touch ID). */
  async function contextWithAuthenticator(): Promise<{
    context: BrowserContext;
    page: Page;
    cdp: CDPSession;
    id: string;
  }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { context, page, cdp, id: authenticatorId };
  }

  /** Whether the virtual authenticator answers at once (a user touching it) or waits. */
  async function presence(cdp: CDPSession, authenticatorId: string, enabled: boolean): Promise<void> {
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
  }

  async function signOut(page: Page): Promise<void> {
    await page.goto(`${server.issuer}/session/end`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForSelector('text=Signed out');
  }

  async function checkPage(page: Page, name: string, errors: string[]): Promise<void> {
    await screenshot(page, `passkey-${name}`);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    expect(errors, `console errors on ${name}`).to.deep.equal([]);
  }

  async function startSignIn(page: Page, params: Record<string, string> = {}) {
    const config = await relyingParty(server.issuer, app);
    const request = await authorizationRequest(config, { redirect_uri: callback, ...params });
    await page.goto(request.url.href);
    return async () => {
      await page.waitForURL(callbackPattern);
      return (await redeem(config, request, new URL(page.url()))).claims()!;
    };
  }

  it('registers a passkey, signs in with it alone, steps up with it, and removes it', async () => {
    const { context, page, cdp, id } = await contextWithAuthenticator();
    const errors = watchConsole(page);

    // Register on the account page after a password sign-in.
    await page.goto(`${server.issuer}/account`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${server.issuer}/account`);
    await page.getByLabel('Name for the new passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForSelector('text=Passkey "This laptop" added.');
    await checkPage(page, 'added', errors);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: id });
    expect(credentials).to.have.length(1);
    expect(credentials[0]!.isResidentCredential, 'a discoverable credential').to.equal(true);
    expect(credentials[0]!.rpId).to.equal('localhost');

    await signOut(page);

    // Sign in with the passkey alone, no email and no password: first through the browser's
    // passkey autofill (conditional mediation starts as the page loads; the virtual
    // authenticator answers it at once) …
    const autofill = await startSignIn(page);
    const claims = await autofill();
    expect(claims.sub).to.equal(user.id);
    expect(claims.acr).to.equal(ACR_PHISHING_RESISTANT);
    expect(claims.amr).to.include('user').and.to.include('mfa');
    await signOut(page);

    // … then with the button, the autofill request held back until it is clicked.
    await presence(cdp, id, false);
    const button = await startSignIn(page);
    await checkPage(page, 'login', errors);
    await presence(cdp, id, true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    expect((await button()).acr).to.equal(ACR_PHISHING_RESISTANT);
    await signOut(page);

    // Step-up: an app that asks for a phishing-resistant sign-in after a password one.
    await presence(cdp, id, false);
    const stepUp = await startSignIn(page, { acr_values: ACR_PHISHING_RESISTANT });
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('text=Sign in with a passkey');
    await checkPage(page, 'step-up', errors);
    await presence(cdp, id, true);
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    const stepped = await stepUp();
    expect(stepped.acr).to.equal(ACR_PHISHING_RESISTANT);
    expect(stepped.amr).to.include('pwd').and.to.include('mfa');

    // Remove it on the account page, confirming with the passkey itself.
    await page.goto(`${server.issuer}/account`);
    await page.waitForSelector('text=This laptop');
    await page.getByRole('button', { name: 'Remove passkey This laptop' }).click();
    await page.waitForSelector('text=Passkey removed.');
    await checkPage(page, 'removed', errors);
    expect(await page.content()).to.include('No passkeys yet.');
    await context.close();
  });

  it('a browser without the passkey cannot sign in with it', async () => {
    const { context, page } = await contextWithAuthenticator();
    const errors = watchConsole(page);
    await startSignIn(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('[data-passkey-status]:not([hidden])');
    const status = await page.locator('[data-passkey-status]').textContent();
    expect(status).to.match(/cancelled or timed out|could not be used/);
    expect(page.url()).to.match(/\/interaction\//);
    await checkPage(page, 'no-credential', errors);
    await context.close();
  });
});
