import { expect } from 'chai';
import type { PublicKeyCredentialRequestOptionsJSON as RequestOptions } from '@simplewebauthn/server';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { addUser } from '../helpers/fixtures.ts';
import { addPasskey, passkeyOptions, postCredential } from '../helpers/passkeys.ts';
import { authorizationRequest } from '../helpers/relying-party.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { CORP, useUpstreamIdps } from '../helpers/upstream-idp.ts';

describe('upstream sign-in: home-realm discovery by email domain', function () {
  this.timeout(60_000);
  const t = useUpstreamIdps('upstream-idps-home-realm', {
    idps: { corp: CORP, realm: { provision: true, domains: ['corp.example'] } },
  });

  it('home-realm discovery: a routed domain goes to its upstream, and its password is never checked', async () => {
    const routed = await addUser(t.server, 'alice@corp.example');
    const browser = t.newBrowser();
    const request = await authorizationRequest(t.rp);
    const login = await browser.open(request.url);
    expect(login.html).to.include('data-routed-domains');
    const form = await browser.submit(login, '/login', { email: 'alice@corp.example', password: routed.password });
    expect(form.url.origin, 'the password form leads to the upstream').to.equal(t.upstream.issuer);
    expect((await t.events('login.success')).filter((e) => e.account === routed.id)).to.have.length(0);

    // Another upstream vouching for an address of that domain does not get around the routed one.
    t.upstream.users.set('sneaky', { email: 'carol@corp.example', email_verified: true });
    const sneaky = t.newBrowser();
    const viaOther = await t.toUpstreamLogin(sneaky, 'corp');
    const refused = await t.upstreamLogin(sneaky, viaOther.page, 'sneaky');
    expect(refused.status).to.equal(403);
    expect(refused.html).to.include('signs in with your organisation');
    expect(await accountModel(t.server.connection).countDocuments({ email: 'carol@corp.example' })).to.equal(0);

    // A client's login_hint of that domain skips our screen altogether.
    const hinted = t.newBrowser();
    const hintedRequest = await authorizationRequest(t.rp, { login_hint: 'bob@corp.example' });
    const straight = await hinted.open(hintedRequest.url);
    expect(straight.url.origin).to.equal(t.upstream.issuer);
    expect(straight.url.searchParams.get('login_hint')).to.equal(null);
  });

  it('home-realm discovery: a local passkey of a routed address no longer signs in by itself', async () => {
    // Made through the routed upstream (just in time), then given a passkey on /account.
    t.upstream.users.set('gina', { email: 'gina@corp.example', email_verified: true });
    const browser = t.newBrowser();
    const request = await authorizationRequest(t.rp, { login_hint: 'gina@corp.example' });
    const back = await t.upstreamLogin(browser, await browser.open(request.url), 'gina');
    await t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));
    const authenticator = new SoftAuthenticator(t.server.issuer);
    const added = await addPasskey(browser, await browser.open('/account'), authenticator, 'Phone');
    expect(added.html).to.include('added');

    const other = t.newBrowser();
    const login = await other.open((await authorizationRequest(t.rp)).url);
    const options = await passkeyOptions<RequestOptions>(
      other,
      login,
      '/passkey',
      `${login.url.pathname}/passkey/options`,
    );
    const refused = await postCredential(other, login, '/passkey', authenticator.assert(options));
    expect(refused.status).to.equal(401);
    expect(refused.leftTo).to.equal(undefined);
  });
});
