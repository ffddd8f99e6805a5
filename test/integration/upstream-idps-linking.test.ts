import { expect } from 'chai';
import type { PublicKeyCredentialRequestOptionsJSON as RequestOptions } from '@simplewebauthn/server';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { createLink } from '../../provider/upstream/identity-links.ts';
import { openAccount } from '../helpers/account-page.ts';
import { Browser } from '../helpers/browser.ts';
import { addUser } from '../helpers/fixtures.ts';
import { addPasskey, passkeyOptions, postCredential } from '../helpers/passkeys.ts';
import { rawRequest } from '../helpers/raw-request.ts';
import { authorizationRequest } from '../helpers/relying-party.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { CORP, useUpstreamIdps } from '../helpers/upstream-idp.ts';

describe('upstream sign-in: linking an upstream identity to a local account', function () {
  this.timeout(60_000);
  const t = useUpstreamIdps('upstream-idps-linking', { idps: { corp: CORP } });

  it('links to an existing account only after its password, never by the email alone', async () => {
    const local = await addUser(t.server, 'linker@example.test');
    t.upstream.users.set('link-1', { email: 'linker@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'corp');
    const proof = await t.upstreamLogin(browser, page, 'link-1');
    expect(proof.status).to.equal(200);
    expect(proof.html).to.include('Link your Corp corp sign-in');
    expect(await identityLinkModel(t.server.connection).countDocuments({ sub: 'link-1' })).to.equal(0);

    const wrong = await browser.submit(proof, '/upstream/link', { password: 'not the password' });
    expect(wrong.status).to.equal(401);
    expect(await identityLinkModel(t.server.connection).countDocuments({ sub: 'link-1' })).to.equal(0);

    const linked = await browser.submit(wrong, '/upstream/link', { password: local.password });
    const tokens = await t.tokensFor(request, linked.leftTo ? linked : await browser.submit(linked, '/confirm'));
    expect(tokens.claims()!.sub).to.equal(local.id);
    const link = await identityLinkModel(t.server.connection).findOne({ idp: 'corp', sub: 'link-1' }).lean();
    expect(link?.accountId).to.equal(local.id);

    // The next time the upstream alone signs in to that account.
    const again = t.newBrowser();
    const second = await t.toUpstreamLogin(again, 'corp');
    const back = await t.upstreamLogin(again, second.page, 'link-1');
    expect(back.html).to.not.include('Link your');
  });

  it('shows the links on /account, and the user can unlink one', async () => {
    const local = await addUser(t.server, 'unlinker@example.test');
    t.upstream.users.set('unlink-1', { email: 'unlinker@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { page } = await t.toUpstreamLogin(browser, 'corp');
    const proof = await t.upstreamLogin(browser, page, 'unlink-1');
    await browser.submit(proof, '/upstream/link', { password: local.password });
    // The same browser has a session now (signed in through the upstream): the account page opens on it.
    const account = await browser.open('/account');
    expect(account.url.pathname).to.equal('/account');
    expect(account.html).to.include('Sign-in with other providers');
    expect(account.html).to.include('Corp corp (unlinker@example.test)');
    const unlinked = await browser.submit(account, '/account/links/remove');
    expect(unlinked.status).to.equal(200);
    expect(unlinked.html).to.include('The sign-in was unlinked.');
    expect(await identityLinkModel(t.server.connection).countDocuments({ sub: 'unlink-1' })).to.equal(0);
    const [audited] = (await t.events('upstream.unlink')).filter((e) => e.account === local.id);
    expect(audited?.details).to.include({ idp: 'corp', sub: 'unlink-1', iss: t.upstream.issuer });

    // Another account's link cannot be removed by naming its id.
    const someoneElse = await addUser(t.server);
    await createLink(t.server.connection, { idp: 'corp', iss: t.upstream.issuer, sub: 'someone-else' }, someoneElse.id);
    const other = await identityLinkModel(t.server.connection).findOne({ sub: 'someone-else' }).lean();
    const refused = await browser.fetch('/account/links/remove', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf: /name="csrf" value="([^"]+)"/.exec(unlinked.html)![1]!,
        link: other!._id,
      }).toString(),
    });
    expect(refused.status).to.equal(400);
    expect(await identityLinkModel(t.server.connection).countDocuments({ _id: other!._id })).to.equal(1);
  });

  it("links after one of the account's passkeys instead of its password", async () => {
    const local = await addUser(t.server, 'keyholder@example.test');
    const authenticator = new SoftAuthenticator(t.server.issuer);
    const setup = new Browser(t.server.issuer);
    await addPasskey(setup, await openAccount(setup, local), authenticator, 'Laptop');
    t.upstream.users.set('keyholder', { email: 'keyholder@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'corp');
    const proof = await t.upstreamLogin(browser, page, 'keyholder');
    const optionsPath = `${proof.url.pathname}/link/passkey/options`;
    const options = await passkeyOptions<RequestOptions>(browser, proof, '/upstream/link/passkey', optionsPath);
    const linked = await postCredential(browser, proof, '/upstream/link/passkey', authenticator.assert(options));
    const tokens = await t.tokensFor(request, linked.leftTo ? linked : await browser.submit(linked, '/confirm'));
    expect(tokens.claims()!.sub).to.equal(local.id);
    // The passkey was the second factor too: no second prompt for it.
    expect(tokens.claims()!.amr).to.deep.equal(['fed', 'hwk', 'mfa']);
    expect(
      await identityLinkModel(t.server.connection).countDocuments({ sub: 'keyholder', accountId: local.id }),
    ).to.equal(1);
  });

  it('a link whose account was deleted starts afresh instead of signing in as nobody', async () => {
    await createLink(t.server.connection, { idp: 'corp', iss: t.upstream.issuer, sub: 'orphan' }, 'deleted-account-id');
    t.upstream.users.set('orphan', { email: 'orphan@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'corp');
    const back = await t.upstreamLogin(browser, page, 'orphan');
    const claims = (await t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'))).claims()!;
    const account = await accountModel(t.server.connection).findOne({ email: 'orphan@example.test' }).lean();
    expect(claims.sub).to.equal(account?._id);
    const links = await identityLinkModel(t.server.connection).find({ sub: 'orphan' }).lean();
    expect(links.map((link) => link.accountId)).to.deep.equal([account?._id]);
  });

  it('builds every address it sends a browser to from the issuer, whatever Host says', async () => {
    for (const path of ['/admin/login', '/account/login']) {
      const answer = await rawRequest(t.server.issuer, {
        method: 'GET',
        path,
        host: 'evil.example',
        headers: { 'x-forwarded-host': 'evil.example' },
      });
      expect(answer.headers.location, path).to.match(new RegExp(`^${t.server.issuer}/auth\\?`));
      expect(answer.headers.location).to.include(encodeURIComponent(t.server.issuer));
    }
    const browser = new Browser(t.server.issuer);
    const login = await browser.open((await authorizationRequest(t.rp)).url);
    const started = await browser.submit(login, '/upstream/start', { idp: 'corp' });
    expect(started.leftTo?.searchParams.get('redirect_uri')).to.equal(`${t.server.issuer}/upstream/corp/callback`);
  });
});
