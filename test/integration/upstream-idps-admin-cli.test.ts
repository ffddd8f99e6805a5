import { expect } from 'chai';

import { auditModel } from '../../provider/security/audit-model.ts';
import { identityLinkModel } from '../../provider/upstream/identity-link-model.ts';
import { idpModel } from '../../provider/upstream/idp-model.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import { authorizationRequest } from '../helpers/relying-party.ts';
import { KEK, useUpstreamIdps } from '../helpers/upstream-idp.ts';

describe('upstream identity providers: the admin CLI', function () {
  this.timeout(60_000);
  // The CLI adds "cli" itself; the upstream accepts its callback from the start.
  const t = useUpstreamIdps('upstream-idps-admin-cli', { idps: {}, laterIds: ['cli'] });

  it('admin CLI: add with the secret on stdin, show without it, disable, delete', async () => {
    const admin = (args: string[], stdin = '') =>
      runAdminWith(
        {
          MONGODB_URI: testDatabaseUri(),
          MONGODB_DATABASE: t.server.connection.name,
          KEY_ENCRYPTION_KEY: KEK,
          ISSUER: t.server.issuer,
        },
        args,
        stdin,
      );
    const added = await admin(
      [
        'idps',
        'add',
        '--type',
        'oidc',
        '--id',
        'cli',
        '--issuer',
        t.upstream.issuer,
        '--client-id',
        t.upstream.clientId,
        '--client-secret-stdin',
        '--name',
        'Corp cli',
        '--provision',
      ],
      `${t.upstream.clientSecret}\n`,
    );
    expect(added.code, added.stderr).to.equal(0);
    expect(added.stdout).to.include(`${t.server.issuer}/upstream/cli/callback`);
    const shown = await admin(['idps', 'show', 'cli', '--json']);
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.stdout).to.not.include(t.upstream.clientSecret);
    expect(JSON.parse(shown.stdout)).to.include({ id: 'cli', type: 'oidc', provision: true, enabled: true });
    const stored = await idpModel(t.server.connection).findById('cli').lean();
    expect(stored?.sealedClientSecret).to.not.include(t.upstream.clientSecret);

    // Works without a restart: the new upstream signs a user in.
    t.upstream.users.set('cli-user', { email: 'cli-user@example.test', email_verified: true });
    const browser = t.newBrowser();
    const request = await authorizationRequest(t.rp);
    let login = await browser.open(request.url);
    for (let i = 0; i < 30 && !login.html.includes('Continue with Corp cli'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      login = await browser.open(login.url);
    }
    const page = await browser.submit(login, '/upstream/start', { idp: 'cli' });
    const back = await t.upstreamLogin(browser, page, 'cli-user');
    await t.tokensFor(request, back.leftTo ? back : await browser.submit(back, '/confirm'));

    const bad = await admin(
      ['idps', 'add', '--type', 'oidc', '--id', 'Bad Id', '--issuer', 'ftp://x', '--client-id', 'c'],
      's\n',
    );
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('id must be');

    const disabled = await admin(['idps', 'disable', 'cli']);
    expect(disabled.code, disabled.stderr).to.equal(0);
    const deleted = await admin(['idps', 'delete', 'cli']);
    expect(deleted.code, deleted.stderr).to.equal(0);
    expect(deleted.stdout).to.include('1 account link');
    expect(await identityLinkModel(t.server.connection).countDocuments({ idp: 'cli' })).to.equal(0);
    const audit = await auditModel(t.server.connection)
      .find({ event: /^admin\.idp\./ })
      .lean();
    expect(audit.map((e) => e.event)).to.include.members([
      'admin.idp.added',
      'admin.idp.disabled',
      'admin.idp.deleted',
    ]);
  });
});
