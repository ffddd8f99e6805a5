import { expect } from 'chai';
import type * as oidc from 'openid-client';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { addIdp } from '../../provider/upstream/manage-idps.ts';
import { Browser } from '../helpers/browser.ts';
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 21).toString('base64');

describe('upstream GitHub preset (against a fake of its OAuth and REST endpoints)', function () {
  this.timeout(30_000);
  let server: TestServer;
  let github: FakeGitHub;
  let rp: oidc.Configuration;

  before(async () => {
    server = await startTestServer('upstream-github', { KEY_ENCRYPTION_KEY: KEK });
    github = await startFakeGitHub('gh-client', 'gh-secret');
    await addIdp(server.connection, Buffer.from(KEK, 'base64'), {
      id: 'github',
      type: 'github',
      issuer: github.url,
      apiUrl: github.apiUrl,
      clientId: 'gh-client',
      clientSecret: 'gh-secret',
      provision: true,
    });
    rp = await relyingParty(server.issuer, await addWebClient(server));
  });
  after(async () => {
    github?.close();
    await server?.stop();
  });

  async function signInWithGitHub() {
    const browser = new Browser(server.issuer, [github.url]);
    const request = await authorizationRequest(rp);
    const login = await browser.open(request.url);
    expect(login.html).to.include('Continue with GitHub');
    let page = await browser.submit(login, '/upstream/start', { idp: 'github' });
    if (!page.leftTo && page.html.includes('/confirm"')) page = await browser.submit(page, '/confirm');
    return { request, page };
  }

  it('signs in with the verified primary email, the numeric id as the subject, PKCE and the secret sent', async () => {
    const { request, page } = await signInWithGitHub();
    expect(page.leftTo, page.html.slice(0, 400)).to.not.equal(undefined);
    const claims = (await redeem(rp, request, page.leftTo!)).claims()!;
    const account = await accountModel(server.connection).findOne({ email: 'octocat@github.example' }).lean();
    expect(claims.sub).to.equal(account?._id);
    expect(account?.name).to.equal('The Octocat');
    const link = await identityLinkModel(server.connection).findOne({ idp: 'github' }).lean();
    expect(link?.sub).to.equal('583231');
    expect(github.lastTokenRequest?.get('code_verifier')).to.match(/^[\w-]{43,}$/);
    expect(github.lastTokenRequest?.get('client_secret')).to.equal('gh-secret');
  });

  it('refuses an account whose primary email GitHub has not verified', async () => {
    github.user = { id: 99, login: 'newbie', name: null };
    github.emails = [
      { email: 'newbie@github.example', primary: true, verified: false, visibility: null },
      { email: 'other@github.example', primary: false, verified: true, visibility: null },
    ];
    const { page } = await signInWithGitHub();
    expect(page.status).to.equal(403);
    expect(page.html).to.include('GitHub has not verified the email address');
    expect(
      await accountModel(server.connection).countDocuments({ email: /github\.example$/, _id: { $ne: null } }),
    ).to.equal(1);
  });
});
