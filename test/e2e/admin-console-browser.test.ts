import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';

import { grantAdmin } from '../../provider/admin/admin-api-resource.ts';
import { getClient } from '../../provider/admin/clients/views.ts';
import { Browser as HttpBrowser } from '../helpers/browser.ts';
import { type CallbackServer, startCallbackServer } from '../helpers/callback-server.ts';
import { API, addApi, addUser, basicAuth, type TestUser } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp, totpCode } from '../helpers/totp.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

const MFA_KEY = Buffer.alloc(32, 41).toString('base64');

/**
 * An operator runs the provider from the console: signs in with TOTP, creates a web client and
 * uses it, rotates its secret, disables a user, rotates keys, and finds it all in the audit log.
 */
describe('admin console in a real browser (Chromium)', function () {
  this.timeout(90_000);
  let server: TestServer;
  let browser: Browser;
  let callbackServer: CallbackServer;
  let operator: TestUser;
  let operatorSecret: string;

  before(async function () {
    browser = await launchChromium(this);
    callbackServer = await startCallbackServer();
    // CLIENT_CACHE_TTL=0: a rotated secret is refused at once (else within that many seconds).
    server = await startTestServer('e2e-console', { MFA_ENCRYPTION_KEY: MFA_KEY, CLIENT_CACHE_TTL: '0' });
    await addApi(server);
    operator = await addUser(server, 'operator@example.test');
    operatorSecret = await enrollTotp(server, operator, MFA_KEY);
    await grantAdmin(server.connection, server.issuer, operator.id, 'admin');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    callbackServer?.close();
  });

  async function check(page: Page, name: string, errors: string[]): Promise<void> {
    await screenshot(page, `console-${name}`);
    expect(await accessibilityProblems(page), name).to.deep.equal([]);
    expect(errors, `console errors on ${name}`).to.deep.equal([]);
  }

  async function signInToConsole(page: Page, user: TestUser, secret: string, step = 1): Promise<void> {
    await page.goto(`${server.issuer}/admin`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('text=Enter the 6-digit code');
    await page.getByLabel('Code').fill(await totpCode(secret, step));
    await page.getByRole('button', { name: 'Verify' }).click();
  }

  /** A new user (an administrator unless told) signed in to the console in a fresh context. */
  async function consoleAs(email: string, role: 'admin' | 'none' = 'admin') {
    const user = await addUser(server, email);
    const secret = await enrollTotp(server, user, MFA_KEY);
    if (role === 'admin') await grantAdmin(server.connection, server.issuer, user.id, 'admin');
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await signInToConsole(page, user, secret);
    return { context, page, errors };
  }

  it('signs in with TOTP, creates a client that works, rotates its secret, disables a user, rotates keys, audits it all', async () => {
    const victim = await addUser(server, 'leaving@example.test');
    // A reader east of UTC: the audit page shows its times in the reader's zone.
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    const errors = watchConsole(page);
    await signInToConsole(page, operator, operatorSecret);
    await page.waitForURL(`${server.issuer}/admin`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await check(page, 'dashboard', errors);

    // A web client, from the type picker.
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'New client' }).waitFor();
    await check(page, 'clients', errors);
    await page.getByRole('radio', { name: /web: a server-side/ }).check();
    await page.getByLabel('Client ID (optional)').fill('console-app');
    await page.getByLabel('Name', { exact: true }).fill('Console App');
    // Forgot the redirect URI: a sentence next to the field, and what was typed is kept.
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.locator('#redirect_uris-problem').waitFor();
    expect(await page.locator('#redirect_uris-problem').textContent()).to.equal('Add at least one redirect URI.');
    expect(await page.getByLabel('Redirect URIs (one per line)').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.getByLabel('Client ID (optional)').inputValue()).to.equal('console-app');
    // The refused form answers 400, which Chromium logs: expected here, and only here.
    await check(
      page,
      'client-problem',
      errors.filter((e) => !e.includes('status of 400')),
    );
    errors.length = 0;
    await page.getByLabel('Redirect URIs (one per line)').fill(callbackServer.url);
    await page.getByLabel('APIs it may call (one per line)').fill(API);
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { name: 'Client created' }).waitFor();
    await check(page, 'client-created', errors);
    const clientId = (await page.locator('[data-client-id]').textContent())!.trim();
    expect(clientId).to.equal('console-app');
    const firstSecret = (await page.locator('[data-client-secret]').textContent())!.trim();

    // The new client signs a user in, as any app would.
    const app = { clientId, clientSecret: firstSecret };
    const rp = await relyingParty(server.issuer, app);
    const request = await authorizationRequest(rp, { redirect_uri: callbackServer.url });
    const user = await addUser(server);
    const tokens = await redeem(rp, request, await signIn(new HttpBrowser(server.issuer), request, user));
    expect(tokens.claims()!.sub).to.equal(user.id);

    // Its page, with the product's version in the footer.
    await page.getByRole('link', { name: 'Go to the client' }).click();
    await page.getByRole('heading', { name: /Client console-app/ }).waitFor();
    expect(await page.locator('footer').textContent()).to.match(/^meshid \d+\.\d+\.\d+/);
    await check(page, 'client', errors);

    // Rotate its secret: the old one stops working.
    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    await page.getByRole('heading', { name: 'New secret' }).waitFor();
    await check(page, 'secret-rotated', errors);
    const secondSecret = (await page.locator('[data-client-secret]').textContent())!.trim();
    expect(secondSecret).to.not.equal(firstSecret);
    const introspect = (secret: string) =>
      fetch(`${server.issuer}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(app, secret) },
        body: new URLSearchParams({ token: 'anything' }).toString(),
      }).then((r) => r.status);
    expect(await introspect(firstSecret)).to.equal(401);
    expect(await introspect(secondSecret)).to.equal(200);

    // Disable a user: their next sign-in is refused.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Email starts with').fill('leaving@');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: victim.email }).click();
    await check(page, 'user', errors);
    await page.getByRole('button', { name: 'Disable and sign out' }).click();
    await page.getByText('User disabled and signed out everywhere.').waitFor();
    expect(await page.locator('[data-user-state]').textContent()).to.equal('disabled');
    const refused = new HttpBrowser(server.issuer);
    const again = await authorizationRequest(rp, { redirect_uri: callbackServer.url });
    const login = await refused.open(again.url);
    const answer = await refused.submit(login, '/login', { email: victim.email, password: victim.password });
    expect(answer.status).to.equal(401);
    expect(answer.leftTo).to.equal(undefined);

    // Rotate the signing keys.
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await page.getByText(/Keys rotated \(version \d+\)\./).waitFor();
    await check(page, 'keys', errors);

    // An API, from its page.
    await page.getByRole('link', { name: 'APIs' }).click();
    await page.getByLabel('Indicator (an absolute URI)').fill('https://inventory.example');
    await page.getByLabel('Name (on the consent screen)').fill('Inventory');
    await page.getByLabel('Scopes (space-separated)').fill('stock:read stock:write');
    await page.getByRole('button', { name: 'Save API' }).click();
    await page.getByText('API https://inventory.example saved.').waitFor();
    await check(page, 'apis', errors);

    // Every action, in the audit page, as this operator's.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Event (or prefix ending in .)').fill('admin.');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: /^Verify the newest \d+ records$/ }).waitFor();
    const table = (await page.locator('table.audit').textContent()) ?? '';
    for (const event of [
      'admin.client.added',
      'admin.client.secret_rotated',
      'admin.user.disabled',
      'admin.keys.rotated',
    ])
      expect(table, event).to.include(event);
    expect(table).to.include(operator.email);
    expect(table).to.include(victim.email);
    // Times in the reader's zone, the UTC text kept as the tooltip.
    const time = page.locator('table.audit time').first();
    expect(await time.getAttribute('title')).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await time.textContent()).to.match(/GMT\+1|CET/);
    await page.getByRole('link', { name: /^Verify the newest \d+ records$/ }).click();
    await page.getByText(/Chain intact: the newest \d+ records/).waitFor();
    await check(page, 'audit', errors);
    await context.close();
  });

  it('makes a group with a member, a role of an API, and gives the role to the group', async () => {
    const { context, page, errors } = await consoleAs('team-lead@example.test');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('Name', { exact: true }).fill('warehouse');
    await page.getByRole('button', { name: 'Add group' }).click();
    await page.getByText('Group warehouse added.').waitFor();
    await page.getByLabel('Email').fill(operator.email);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(`${operator.email} added.`).waitFor();
    await check(page, 'group', errors);

    await page.getByRole('link', { name: 'Roles' }).click();
    await page.locator('#new-resource').selectOption(API);
    await page.getByLabel('Name', { exact: true }).fill('picker');
    await page.getByLabel('Scopes it grants (space-separated; scopes of that API)').fill('orders:read');
    await page.getByRole('button', { name: 'Save role' }).click();
    await page.getByText('Role picker added.').waitFor();
    await page.getByLabel('Give picker to a').selectOption('group');
    await page.getByLabel('named (email, group or client id)').fill('warehouse');
    await page.getByRole('button', { name: 'Grant picker', exact: true }).click();
    await page.getByText('warehouse now holds picker.').waitFor();
    expect(await page.locator('[data-holders="picker"]').textContent()).to.equal('group warehouse');
    await check(page, 'roles', errors);

    await page.getByRole('link', { name: 'Groups' }).click();
    await check(page, 'groups', errors);
    await context.close();
  });

  it("sets a client's advanced settings (PAR, DPoP, back-channel logout, exchange, scopes per API) and shows a refusal by the field", async () => {
    const { context, page, errors } = await consoleAs('advanced-operator@example.test');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'New client' }).waitFor();

    // The simple form stays simple: the advanced settings are folded away until asked for.
    expect(await page.getByLabel('Back-channel logout URI (optional)').isVisible()).to.equal(false);
    await page.getByRole('radio', { name: /exchanger: a service that swaps/ }).check();
    await page.getByLabel('Client ID (optional)').fill('console-exchanger');
    await page.getByText('Advanced', { exact: true }).click();
    await page.getByLabel(/push its authorization requests first/).check();
    await page.getByLabel(/bound to its key \(DPoP/).check();
    await page.getByLabel('Back-channel logout URI (optional)').fill('ftp://orders.example/logout');
    await page.getByLabel('Targets it may exchange tokens for (one per line)').fill('https://orders-db.example');
    await page.getByLabel('APIs whose tokens it may take (one per line)').fill(API);
    await page.getByLabel('The most scopes it may ask for (optional, space-separated)').fill('orders:read');
    await page.getByLabel('It may present actor tokens (delegation)').check();
    await page.getByRole('button', { name: 'Create client' }).click();

    // Refused: the sentence sits by the field, in a section shown open, with everything typed kept.
    await page.locator('#backchannel_logout_uri-problem').waitFor();
    expect(await page.locator('#backchannel_logout_uri-problem').textContent()).to.equal(
      'Write the back-channel logout URI as a full web address, like https://app.example/logout.',
    );
    const backchannel = page.getByLabel('Back-channel logout URI (optional)');
    expect(await backchannel.isVisible()).to.equal(true);
    expect(await backchannel.getAttribute('aria-invalid')).to.equal('true');
    expect(await page.getByLabel(/push its authorization requests first/).isChecked()).to.equal(true);
    expect(await page.getByLabel('APIs whose tokens it may take (one per line)').inputValue()).to.equal(API);
    await check(
      page,
      'client-advanced-problem',
      errors.filter((e) => !e.includes('status of 400')),
    );
    errors.length = 0;
    await backchannel.fill('https://orders.example/logout');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { name: 'Client created' }).waitFor();

    // Stored by the clients service as the admin API would have stored it.
    const stored = await getClient(server, 'console-exchanger');
    expect(stored).to.deep.include({
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
      backchannel_logout_uri: 'https://orders.example/logout',
      backchannel_logout_session_required: true,
      token_exchange: {
        resources: ['https://orders-db.example'],
        subject_audiences: [API],
        scopes: ['orders:read'],
        actor: true,
      },
    });

    // Scopes per API, on the client's page.
    await page.getByRole('link', { name: 'Go to the client' }).click();
    await page.getByRole('heading', { name: /Client console-exchanger/ }).waitFor();
    await page.getByText('Advanced', { exact: true }).click();
    // What it was created with shows there, and what the admin API's PATCH changes may change.
    expect(await page.getByLabel(/push its authorization requests first/).isChecked()).to.equal(true);
    expect(await page.getByLabel('Back-channel logout URI (optional)').inputValue()).to.equal(
      'https://orders.example/logout',
    );
    await page.getByLabel(/bound to its key \(DPoP/).uncheck();
    await page.getByLabel(/^Scopes per API/).fill(`${API} orders:read`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Client saved.').waitFor();
    expect(await getClient(server, 'console-exchanger')).to.deep.include({
      resource_scopes: { [API]: ['orders:read'] },
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: false,
      backchannel_logout_uri: 'https://orders.example/logout',
      backchannel_logout_session_required: true,
    });
    await page.getByText('Advanced', { exact: true }).click();
    expect(await page.getByLabel(/^Scopes per API/).inputValue()).to.equal(`${API} orders:read`);
    await check(page, 'client-advanced', errors);
    await context.close();
  });

  it('refuses the console to an account without the admin role, even signed in with a second factor', async () => {
    const { context, page, errors } = await consoleAs('not-an-admin@example.test', 'none');
    await page.getByRole('heading', { name: 'Not an administrator' }).waitFor();
    await check(
      page,
      'refused',
      errors.filter((e) => !e.includes('status of 403')),
    );
    await context.close();
  });
});
