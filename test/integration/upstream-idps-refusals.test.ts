import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { idpModel } from '../../provider/upstream/idp-model.ts';
import { addIdp } from '../../provider/upstream/manage-idps.ts';
import { freePort } from '../../scripts/free-port.ts';
import { Browser } from '../helpers/browser.ts';
import { addUser } from '../helpers/fixtures.ts';
import { authorizationRequest } from '../helpers/relying-party.ts';
import { CORP, KEK, useUpstreamIdps } from '../helpers/upstream-idp.ts';
import { startUpstreamProvider } from '../helpers/upstream-provider.ts';

describe('upstream sign-in: what is refused, and an upstream that fails', function () {
  this.timeout(60_000);
  const t = useUpstreamIdps('upstream-idps-refusals', { idps: { corp: CORP } });
  let silent: Server;

  before(async () => {
    // One upstream refuses connections, one accepts them and never answers (UPSTREAM_TIMEOUT_MS is 1 s here).
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await t.addIdp('down', { issuer: `http://127.0.0.1:${await freePort()}` });
    await t.addIdp('hangs', { issuer: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
  });
  after(() => {
    silent?.closeAllConnections();
    silent?.close();
  });

  it('refuses an email the upstream has not verified: no link to the existing account, no new account', async () => {
    await addUser(t.server, 'victim@example.test');
    t.upstream.users.set('attacker', { email: 'victim@example.test', email_verified: false });
    const browser = t.newBrowser();
    const { page } = await t.toUpstreamLogin(browser, 'corp');
    const refused = await t.upstreamLogin(browser, page, 'attacker');
    expect(refused.status).to.equal(403);
    expect(refused.html).to.include('has not verified the email address');
    expect(refused.html).to.not.include('/upstream/link"');
    expect(await identityLinkModel(t.server.connection).countDocuments({ sub: 'attacker' })).to.equal(0);

    t.upstream.users.set('unverified-new', { email: 'nobody-yet@example.test', email_verified: 'false' });
    const other = t.newBrowser();
    const second = await t.toUpstreamLogin(other, 'corp');
    const refusedNew = await t.upstreamLogin(other, second.page, 'unverified-new');
    expect(refusedNew.status).to.equal(403);
    expect(await accountModel(t.server.connection).countDocuments({ email: 'nobody-yet@example.test' })).to.equal(0);
    const [failure] = (await t.events('upstream.failure')).filter((e) => e.details?.sub === 'unverified-new');
    expect(failure?.details).to.include({ reason: 'unverified_email', iss: t.upstream.issuer });
  });

  for (const [kind, name] of [
    ['nonce', 'another nonce'],
    ['iss', 'another issuer'],
    ['signature', 'a broken signature'],
  ] as const) {
    it(`refuses an ID token with ${name}, with a page that says so`, async () => {
      t.upstream.users.set(`bad-${kind}`, { email: `bad-${kind}@example.test`, email_verified: true });
      t.upstream.tamper = { kind };
      const browser = t.newBrowser();
      const { page } = await t.toUpstreamLogin(browser, 'corp');
      const refused = await t.upstreamLogin(browser, page, `bad-${kind}`);
      expect(refused.status).to.equal(502);
      expect(refused.html).to.include('could not be verified');
      expect(refused.html).to.include('Back to sign in');
      expect(refused.leftTo).to.equal(undefined);
      expect(await accountModel(t.server.connection).countDocuments({ email: `bad-${kind}@example.test` })).to.equal(0);
      const failures = (await t.events('upstream.failure')).filter((e) => e.details?.reason === 'refused');
      expect(failures.length).to.be.greaterThan(0);
    });
  }

  it('a callback is used once, and only by the browser that started it', async () => {
    t.upstream.users.set('replayer', { email: 'replayer@example.test', email_verified: true });
    // Two jars, one per origin, so the test holds the callback URL the upstream sends back.
    const ours = new Browser(t.server.issuer);
    const theirs = new Browser(t.upstream.issuer);
    const request = await authorizationRequest(t.rp);
    const login = await ours.open(request.url);
    const started = await ours.submit(login, '/upstream/start', { idp: 'corp' });
    const upstreamPage = await theirs.open(started.leftTo!);
    const answered = await theirs.submit(upstreamPage, upstreamPage.url.pathname, { login: 'replayer', password: 'x' });
    const callback = answered.leftTo!;
    expect(callback.pathname).to.equal('/upstream/corp/callback');

    // Another browser with the stolen callback URL (no flow cookie) gets nothing, and spends nothing.
    const thief = await new Browser(t.server.issuer).open(callback);
    expect(thief.status).to.equal(400);
    expect(thief.html).to.include('started in another browser');

    const first = await ours.open(callback);
    expect(first.leftTo ?? first.html.includes('/confirm"')).to.not.equal(false);
    const replay = await ours.open(callback);
    expect(replay.status).to.equal(400);
    expect(replay.html).to.include('has expired');
  });

  it('refuses to follow an upstream whose discovery points into the internal network', async () => {
    // A second upstream whose token endpoint, says its discovery, is the cloud metadata address.
    const hostile = await startUpstreamProvider([`${t.server.issuer}/upstream/inward/callback`]);
    hostile.discoveryOverride = { token_endpoint: 'http://169.254.169.254/latest/meta-data/token' };
    hostile.users.set('someone', { email: 'inward@example.test', email_verified: true });
    try {
      await addIdp(t.server.connection, Buffer.from(KEK, 'base64'), {
        id: 'inward',
        type: 'oidc',
        displayName: 'Corp inward',
        issuer: hostile.issuer,
        clientId: hostile.clientId,
        clientSecret: hostile.clientSecret,
        provision: true,
      });
      const browser = new Browser(t.server.issuer, [hostile.issuer]);
      const request = await authorizationRequest(t.rp);
      let login = await browser.open(request.url);
      for (let i = 0; i < 30 && !login.html.includes('Continue with Corp inward'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        login = await browser.open(login.url);
      }
      const page = await browser.submit(login, '/upstream/start', { idp: 'inward' });
      const back = await browser.submit(page, page.url.pathname, { login: 'someone', password: 'x' });
      expect(back.status).to.equal(502);
      expect(back.leftTo).to.equal(undefined);
      const [failure] = (await t.events('upstream.failure')).filter((e) => e.details?.idp === 'inward');
      expect(String(failure?.details?.detail)).to.include('special-use address');
    } finally {
      await idpModel(t.server.connection).deleteOne({ _id: 'inward' });
      await hostile.close();
    }
  });

  it('an upstream that is down or never answers gets a page, not a hang', async () => {
    for (const id of ['down', 'hangs']) {
      const browser = t.newBrowser();
      const login = await browser.open((await authorizationRequest(t.rp)).url);
      const page = await browser.submit(login, '/upstream/start', { idp: id });
      expect(page.status, id).to.equal(502);
      expect(page.html).to.include(`Corp ${id} is not answering`);
      expect(page.html).to.include('Back to sign in');
    }
  });
});
