import { expect } from 'chai';

import { Browser, parseForms } from '../helpers/browser.ts';
import { authorizationRequest } from '../helpers/relying-party.ts';
import { useUpstreamIdps } from '../helpers/upstream-idp.ts';

describe('upstream logout: through the upstream end-session endpoint', function () {
  this.timeout(60_000);
  const t = useUpstreamIdps('upstream-idps-logout', { idps: { logout: { provision: true, upstreamLogout: true } } });

  it('logout here goes through the upstream end-session endpoint when configured, then on to the app', async () => {
    t.upstream.users.set('leaver', { email: 'leaver@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'logout');
    const back = await t.upstreamLogin(browser, page, 'leaver');
    const tokens = await t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));

    const logout = await browser.open(
      `/session/end?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9999/')}`,
    );
    const upstreamConfirm = await browser.submit(logout, '/session/end/confirm', { logout: 'yes' });
    expect(upstreamConfirm.url.origin, 'through the upstream').to.equal(t.upstream.issuer);
    const done = await browser.submit(upstreamConfirm, '/session/end/confirm', { logout: 'yes' });
    expect(done.leftTo?.href).to.equal('http://127.0.0.1:9999/');
    // Signed out here: the next authorization request asks for a sign-in again.
    const next = await browser.open((await authorizationRequest(t.rp)).url);
    expect(next.html).to.include('Continue with Corp logout');

    // A state that was not ours (or is spent) leads nowhere but the signed-out page.
    const forged = await new Browser(t.server.issuer).open(
      '/upstream/logged-out?state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    expect(forged.status).to.equal(200);
    expect(forged.leftTo).to.equal(undefined);
  });

  it('goes through the upstream logout whichever spelling of /session/end/confirm the form is posted to', async () => {
    t.upstream.users.set('leaver-2', { email: 'leaver2@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'logout');
    const back = await t.upstreamLogin(browser, page, 'leaver-2');
    const tokens = await t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));
    const logout = await browser.open(
      `/session/end?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9999/')}`,
    );
    const form = parseForms(logout.html).find((f) => f.action.endsWith('/session/end/confirm'))!;
    // The library routes any case and a trailing slash here (attack-path-spellings.test.ts).
    const answer = await browser.fetch('/SESSION/End/confirm/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, logout: 'yes' }).toString(),
    });
    await answer.arrayBuffer();
    expect(new URL(answer.headers.get('location')!, t.server.issuer).origin, 'through the upstream').to.equal(
      t.upstream.issuer,
    );
  });
});
