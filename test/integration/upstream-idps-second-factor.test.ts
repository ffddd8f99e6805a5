import { expect } from 'chai';

import { ACR_MFA } from '../../provider/mfa/acr.ts';
import { addUser } from '../helpers/fixtures.ts';
import { enrollTotp, totpCode } from '../helpers/totp.ts';
import { CORP, MFA_KEY, useUpstreamIdps } from '../helpers/upstream-idp.ts';

describe("upstream sign-in: the local second factor and the upstream's acr", function () {
  this.timeout(60_000);
  const t = useUpstreamIdps('upstream-idps-second-factor', {
    idps: { corp: CORP, 'mfa-trusted': { provision: true, mfaAcrValues: ['urn:upstream:mfa'] } },
  });

  it('keeps the local second factor: an upstream amr saying "otp" does not replace it', async () => {
    const local = await addUser(t.server, 'two-factor@example.test');
    const secret = await enrollTotp(t.server, local, MFA_KEY);
    t.upstream.users.set('tf', { email: 'two-factor@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'corp');
    t.upstream.tamper = { kind: 'claims', claims: { amr: ['pwd', 'otp', 'mfa'], acr: 'urn:upstream:mfa' } };
    const proof = await t.upstreamLogin(browser, page, 'tf');
    const mfa = await browser.submit(proof, '/upstream/link', { password: local.password });
    expect(mfa.html).to.include('/mfa"');
    const done = await browser.submit(mfa, '/mfa', { code: await totpCode(secret) });
    const claims = (await t.tokensFor(request, done.leftTo ? done : await browser.submit(done, '/confirm'))).claims()!;
    expect(claims.amr).to.deep.equal(['fed', 'otp', 'mfa']);
    expect(claims.acr).to.equal(ACR_MFA);
    const [signIn] = (await t.events('upstream.sign_in')).filter((e) => e.account === local.id);
    expect(signIn?.details).to.deep.include({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:upstream:mfa' });
  });

  it("counts the upstream's acr as a second factor only where the operator said so", async () => {
    t.upstream.users.set('trusted', { email: 'trusted@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'mfa-trusted', { acr_values: ACR_MFA });
    t.upstream.tamper = { kind: 'claims', claims: { acr: 'urn:upstream:mfa' } };
    const back = await t.upstreamLogin(browser, page, 'trusted');
    expect(back.html).to.not.include('/mfa/enroll"');
    const claims = (await t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'))).claims()!;
    expect(claims.acr).to.equal(ACR_MFA);
    expect(claims.amr).to.deep.equal(['fed', 'mfa']);

    // The same acr from an upstream not configured to be trusted: the second factor is still asked.
    t.upstream.users.set('untrusted', { email: 'untrusted@example.test', email_verified: true });
    const other = t.newBrowser();
    const second = await t.toUpstreamLogin(other, 'corp', { acr_values: ACR_MFA });
    const asked = await t.upstreamLogin(other, second.page, 'untrusted');
    expect(asked.html).to.include('/mfa/enroll"');
  });
});
