import { expect } from 'chai';

import { grantAdmin } from '../../provider/admin/admin-api-resource.ts';
import { getClient } from '../../provider/admin/clients/views.ts';
import { keyModel } from '../../provider/keys/key-model.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { API, CALLBACK, addApi, addUser, addWebClient, type TestUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp, totpCode } from '../helpers/totp.ts';

const MFA_KEY = Buffer.alloc(32, 43).toString('base64');

/** The console's door and its rules, through HTTP: who gets in, who may change, with what. */
describe('admin console (/admin): who may enter and change', function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer('admin-console', { MFA_ENCRYPTION_KEY: MFA_KEY });
  });
  after(() => server.stop());

  async function person(role?: 'admin' | 'viewer') {
    const user = await addUser(server);
    const secret = await enrollTotp(server, user, MFA_KEY);
    if (role) await grantAdmin(server.connection, server.issuer, user.id, role);
    return { user, secret };
  }

  /** /admin → sign-in screens → password, then (unless stopped) the code → back at /admin. */
  async function signIn(user: TestUser, secret?: string): Promise<{ browser: Browser; page: Page }> {
    const browser = new Browser(server.issuer);
    const login = await browser.open('/admin');
    let page = await browser.submit(login, '/login', { email: user.email, password: user.password });
    if (secret) page = await browser.submit(page, '/mfa', { code: await totpCode(secret, 1) });
    return { browser, page };
  }

  it('lets an admin in only after the second factor: a password-only session goes back to sign in', async () => {
    const { user, secret } = await person('admin');
    const { browser, page } = await signIn(user);
    expect(page.html).to.include('/mfa"'); // stopped at the code screen
    const sneak = await browser.fetch('/admin');
    expect(sneak.status).to.equal(302);
    expect(sneak.headers.get('location')).to.equal('/admin/login');
    const done = await browser.submit(page, '/mfa', { code: await totpCode(secret, 1) });
    expect(done.url.pathname).to.equal('/admin');
    expect(done.html).to.include('Dashboard');
    // A crafted link cannot put words on the console: notices are signed by the provider.
    const crafted = await browser.open('/admin?done=Your%20account%20is%20compromised:%20call%20us');
    expect(crafted.html).to.not.include('compromised');
  });

  it('lets a viewer read every page and change nothing', async () => {
    const { user, secret } = await person('viewer');
    const { browser, page } = await signIn(user, secret);
    expect(page.html).to.include('Dashboard');
    for (const path of ['/admin/clients', '/admin/apis', '/admin/users', '/admin/keys', '/admin/audit']) {
      const shown = await browser.open(path);
      expect(shown.status, path).to.equal(200);
      expect(shown.html, path).to.not.include('Rotate keys');
    }
    const keys = await browser.open('/admin/keys');
    const csrf = /name="csrf" value="([^"]+)"/.exec((await browser.open('/admin/clients')).html)?.[1] ?? '';
    const before = await keyModel(server.connection).countDocuments({});
    const attempt = await browser.fetch('/admin/keys/rotate', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(attempt.status).to.equal(403);
    expect(await keyModel(server.connection).countDocuments({})).to.equal(before);
    expect(keys.status).to.equal(200);
  });

  it('verifies the audit chain for an admin only, and only its newest records', async () => {
    const viewer = await person('viewer');
    const asViewer = await signIn(viewer.user, viewer.secret);
    const refused = await asViewer.browser.open('/admin/audit?verify=1');
    expect(refused.status).to.equal(200);
    expect(refused.html).to.not.include('Chain intact').and.not.include('Verify the newest');
    const admin = await person('admin');
    const asAdmin = await signIn(admin.user, admin.secret);
    const checked = await asAdmin.browser.open('/admin/audit?verify=1');
    expect(checked.html).to.match(/Chain intact: the newest \d+ records \(at most 1000;/);
  });

  it('refuses a change without the session-bound form token (CSRF)', async () => {
    const { user, secret } = await person('admin');
    const { browser } = await signIn(user, secret);
    const before = await keyModel(server.connection).countDocuments({});
    const forged = await browser.fetch('/admin/keys/rotate', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: 'forged' }).toString(),
    });
    expect(forged.status).to.equal(403);
    expect(await keyModel(server.connection).countDocuments({})).to.equal(before);
    // Another admin's token does not work in this session either.
    const other = await person('admin');
    const otherSession = await signIn(other.user, other.secret);
    const theirs = /name="csrf" value="([^"]+)"/.exec((await otherSession.browser.open('/admin/keys')).html)![1]!;
    const crossed = await browser.fetch('/admin/keys/rotate', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: theirs }).toString(),
    });
    expect(crossed.status).to.equal(403);
  });

  it('refuses a save made on a page another admin has changed since: no lost update', async () => {
    await addApi(server); // the form names it, and a client may only name a known API
    const client = await addWebClient(server);
    const path = `/admin/clients/${encodeURIComponent(client.clientId)}`;
    const me = await person('admin');
    const { browser } = await signIn(me.user, me.secret);
    // The form's text areas, which the test browser does not read back from the page.
    const fields = (name: string) => ({ name, redirect_uris: CALLBACK, resources: API });
    const mine = await browser.open(path);
    const other = await person('admin');
    const theirs = await signIn(other.user, other.secret);
    const renamed = await theirs.browser.submit(
      await theirs.browser.open(path),
      path,
      fields('Renamed by the other admin'),
    );
    expect(renamed.status).to.equal(200);

    const stale = await browser.submit(mine, path, fields('My rename'));
    expect(stale.status).to.equal(409);
    expect(stale.html).to.include('changed since you opened this page');
    expect((await getClient(server, client.clientId)).client_name).to.equal('Renamed by the other admin');
    // The page it answers with shows the current settings: saved from there, the change goes through.
    const saved = await browser.submit(stale, path, fields('My rename'));
    expect(saved.status).to.equal(200);
    expect((await getClient(server, client.clientId)).client_name).to.equal('My rename');
  });

  const footer = (html: string) => /<footer[^>]*>([^<]*)<\/footer>/.exec(html)?.[1]?.trim();
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it("shows the product's version in the client page's footer, not the client's change version", async () => {
    const client = await addWebClient(server);
    const me = await person('admin');
    const { browser, page } = await signIn(me.user, me.secret);
    const product = footer(page.html);
    expect(product).to.match(/^meshid \S+$/);
    const detail = await browser.open(`/admin/clients/${encodeURIComponent(client.clientId)}`);
    expect(footer(detail.html)).to.equal(product);
  });

  /** Posts the console's new-client form as a browser would (the test browser reads no text areas). */
  async function addThroughConsole(browser: Browser, fields: Record<string, string>): Promise<Page> {
    const form = await browser.open('/admin/clients');
    const response = await browser.fetch('/admin/clients', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: csrfOf(form.html), type: 'web', ...fields }).toString(),
    });
    return {
      url: new URL(response.url || server.issuer),
      status: response.status,
      html: await response.text(),
      headers: response.headers,
    };
  }

  it('creates a client with the ID the admin chose, and refuses a taken or malformed one', async () => {
    const me = await person('admin');
    const { browser } = await signIn(me.user, me.secret);
    const chosen = `orders-app-${Date.now().toString(36)}`;
    const created = await addThroughConsole(browser, { id: chosen, name: 'Orders', redirect_uris: CALLBACK });
    expect(created.status).to.equal(200);
    expect(created.html).to.include(`data-client-id>${chosen}<`);
    expect((await getClient(server, chosen)).client_name).to.equal('Orders');

    const taken = await addThroughConsole(browser, { id: chosen, redirect_uris: CALLBACK });
    expect(taken.status).to.equal(400);
    expect(taken.html).to.include(`A client with the ID ${chosen} exists already`);
    // The same rule as the admin API's: printable characters, no spaces.
    const spaced = await addThroughConsole(browser, { id: 'has a space', redirect_uris: CALLBACK });
    expect(spaced.status).to.equal(400);
    expect(spaced.html).to.match(/id="id-problem"[^>]*>[^<]*letters, digits/);
    // Left empty, the ID is made up as before.
    const random = await addThroughConsole(browser, { id: '', redirect_uris: CALLBACK });
    expect(random.html).to.match(/data-client-id>web-[0-9a-f]{8}</);
  });

  it('says what is wrong with a new or changed client in sentences, next to the field', async () => {
    const me = await person('admin');
    const { browser } = await signIn(me.user, me.secret);
    const bare = await addThroughConsole(browser, { name: 'No Redirects' });
    expect(bare.status).to.equal(400);
    expect(bare.html).to.not.include('must contain members');
    expect(bare.html).to.match(
      /<textarea id="redirect_uris"[^>]*aria-invalid="true"[^>]*aria-describedby="redirect_uris-problem"/,
    );
    expect(bare.html).to.match(/id="redirect_uris-problem"[^>]*>Add at least one redirect URI/);
    // What the admin typed is still in the form.
    expect(bare.html).to.match(/id="name"[^>]*value="No Redirects"/);
    const plain = await addThroughConsole(browser, { redirect_uris: 'http://app.example/callback' });
    expect(plain.status).to.equal(400);
    expect(plain.html).to.match(/id="redirect_uris-problem"[^>]*>[^<]*https/);

    const client = await addWebClient(server);
    const path = `/admin/clients/${encodeURIComponent(client.clientId)}`;
    const emptied = await browser.submit(await browser.open(path), path, {
      name: 'x',
      redirect_uris: '',
      resources: API,
    });
    expect(emptied.status).to.equal(400);
    expect(emptied.html).to.not.include('must contain members');
    expect(emptied.html).to.match(/id="redirect_uris-problem"[^>]*>Add at least one redirect URI/);
  });

  it('shows the audit log with emails, readable times and details', async () => {
    const me = await person('admin');
    const target = await addUser(server, `audited-${Date.now().toString(36)}@example.test`);
    const { browser } = await signIn(me.user, me.secret);
    const user = await browser.open(`/admin/users/${encodeURIComponent(target.id)}`);
    await browser.submit(user, '/disable', {});
    const page = await browser.open('/admin/audit?event=admin.user.disabled');
    expect(page.status).to.equal(200);
    const row = /<tr>\s*<td>\d+<\/td>[\s\S]*?<\/tr>/.exec(page.html)?.[0] ?? '';
    expect(row).to.include('admin.user.disabled');
    expect(row).to.include(target.email); // the account acted on
    expect(row).to.include(me.user.email); // the admin who did it
    // Shown by email (the id stays only in the link to the user's page).
    expect(row.replace(/<[^>]*>/g, ' ')).to.not.include(me.user.id);
    expect(row).to.include(`href="/admin/users/${encodeURIComponent(me.user.id)}"`);
    expect(row).to.match(
      /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time>/,
    );
    expect(row).to.include('<dt>via</dt><dd>console</dd>');
    expect(row).to.not.match(/[{}]/);
    expect(page.html).to.include('<script src="/assets/local-time.js"');
  });

  it('refuses the console to an account without a role', async () => {
    const { user, secret } = await person();
    const { page } = await signIn(user, secret);
    expect(page.status).to.equal(403);
    expect(page.html).to.include('Not an administrator');
  });
});
