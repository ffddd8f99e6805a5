import { expect } from 'chai';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { ACR_FEDERATED } from '../../provider/mfa/acr.ts';
import { groupMemberModel } from '../../provider/roles/group-member-model.ts';
import { addMember } from '../../provider/roles/manage-groups.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { idpModel } from '../../provider/upstream/idp-model.ts';
import { settleIdentity } from '../../provider/upstream/settle-identity.ts';
import { redeem } from '../helpers/relying-party.ts';
import { CORP, useUpstreamIdps } from '../helpers/upstream-idp.ts';

describe('upstream sign-in: accounts made just in time', function () {
  this.timeout(60_000);
  const t = useUpstreamIdps('upstream-idps-provisioning', {
    groups: ['staff', 'auditors'],
    idps: {
      corp: CORP,
      strict: {},
      mapped: {
        provision: true,
        scopes: ['openid', 'email', 'profile', 'groups'],
        claims: { groups: 'groups' },
        groupMap: [
          { upstream: 'corp-ops', local: 'staff' },
          { upstream: 'corp-audit', local: 'auditors' },
        ],
      },
    },
  });

  it('creates an account just in time, links it, and lands in the app like a local sign-in', async () => {
    t.upstream.users.set('jit-1', {
      email: 'Jit.One@Example.test',
      email_verified: true,
      name: 'Jit One',
      groups: ['ops'],
    });
    const browser = t.newBrowser();
    const { request, page } = await t.toUpstreamLogin(browser, 'corp');
    expect(page.url.origin).to.equal(t.upstream.issuer);
    const back = await t.upstreamLogin(browser, page, 'jit-1');
    const consent = back.leftTo ? back : await browser.submit(back, '/confirm');
    const tokens = await redeem(t.rp, request, consent.leftTo!);
    const claims = tokens.claims()!;
    const account = await accountModel(t.server.connection).findOne({ email: 'jit.one@example.test' }).lean();
    expect(account, 'account made just in time').to.not.equal(null);
    expect(account!.emailVerified).to.equal(true);
    expect(account!.name).to.equal('Jit One');
    expect(claims.sub).to.equal(account!._id);
    expect(claims.amr).to.deep.equal(['fed']);
    expect(claims.acr).to.equal(ACR_FEDERATED);
    const link = await identityLinkModel(t.server.connection).findOne({ idp: 'corp', sub: 'jit-1' }).lean();
    expect(link?.accountId).to.equal(account!._id);
    expect(link?.iss).to.equal(t.upstream.issuer);
    expect(link?.groups).to.deep.equal(['ops']);
    const [linked] = await t.events('upstream.link');
    expect(linked?.details).to.include({ idp: 'corp', iss: t.upstream.issuer, sub: 'jit-1', created: true });

    // Again in a new browser: the same account, nothing new made.
    const again = t.newBrowser();
    const second = await t.toUpstreamLogin(again, 'corp');
    const back2 = await t.upstreamLogin(again, second.page, 'jit-1');
    const done2 = back2.leftTo ? back2 : await again.submit(back2, '/confirm');
    const claims2 = (await redeem(t.rp, second.request, done2.leftTo!)).claims()!;
    expect(claims2.sub).to.equal(account!._id);
    expect(await accountModel(t.server.connection).countDocuments({ email: 'jit.one@example.test' })).to.equal(1);
    expect((await t.events('upstream.sign_in')).filter((e) => e.account === account!._id)).to.have.length(2);
  });

  it('creates no account where the upstream may not provision', async () => {
    t.upstream.users.set('stranger', { email: 'stranger@example.test', email_verified: true });
    const browser = t.newBrowser();
    const { page } = await t.toUpstreamLogin(browser, 'strict');
    const refused = await t.upstreamLogin(browser, page, 'stranger');
    expect(refused.status).to.equal(403);
    expect(refused.html).to.include('no account here for you');
    expect(await accountModel(t.server.connection).countDocuments({ email: 'stranger@example.test' })).to.equal(0);
  });

  it("keeps mapped local groups in step with the upstream's groups at every sign-in", async () => {
    t.upstream.users.set('grouped', {
      email: 'grouped@example.test',
      email_verified: true,
      groups: ['corp-ops', 'other'],
    });
    const signInMapped = async () => {
      const browser = t.newBrowser();
      const { request, page } = await t.toUpstreamLogin(browser, 'mapped');
      const back = await t.upstreamLogin(browser, page, 'grouped');
      return t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));
    };
    const first = (await signInMapped()).claims()!;
    const groupsOf = async () =>
      (await groupMemberModel(t.server.connection).find({ accountId: first.sub }).lean()).map((m) => m.group).sort();
    expect(await groupsOf()).to.deep.equal(['staff']);
    // An operator's own membership is not the upstream's to take away.
    await addMember(t.server.connection, 'auditors', first.sub);

    t.upstream.users.set('grouped', { email: 'grouped@example.test', email_verified: true, groups: ['corp-audit'] });
    await signInMapped();
    expect(await groupsOf()).to.deep.equal(['auditors']);
    const memberships = await groupMemberModel(t.server.connection).find({ accountId: first.sub }).lean();
    expect(memberships.map((m) => m.source)).to.deep.equal(['admin']);
  });

  it('creates one account and one link when the same new identity arrives twice at once', async () => {
    const idp = (await idpModel(t.server.connection).findById('corp').lean())!;
    const identity = { iss: t.upstream.issuer, sub: 'twice', email: 'twice@example.test', emailVerified: true };
    const results = await Promise.all(
      [1, 2, 3].map(() => settleIdentity(t.server.connection, { ...idp, hasIcon: false }, identity)),
    );
    const accounts = await accountModel(t.server.connection).find({ email: 'twice@example.test' }).lean();
    expect(accounts).to.have.length(1);
    const links = await identityLinkModel(t.server.connection).find({ idp: 'corp', sub: 'twice' }).lean();
    expect(links.map((l) => l.accountId)).to.deep.equal([accounts[0]!._id]);
    for (const result of results) {
      expect(result.kind).to.be.oneOf(['created', 'linked', 'prove']);
      if (result.kind === 'created' || result.kind === 'linked') expect(result.accountId).to.equal(accounts[0]!._id);
    }
  });
});
