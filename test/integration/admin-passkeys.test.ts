import { expect } from 'chai';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { removePasskey, requirePasskey } from '../../provider/passkeys/manage-passkeys.ts';
import { passkeyModel } from '../../provider/passkeys/passkey-model.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { runAdmin } from '../helpers/admin-cli.ts';
import { addUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 6).toString('base64');

describe('admin CLI: passkeys', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('admin-passkeys', { KEY_ENCRYPTION_KEY: KEK });
  });
  after(() => server.stop());

  const admin = (...args: string[]) => runAdmin(server, KEK, args);

  /** Stored passkeys as registration leaves them (the CLI never looks at the key itself). */
  async function givePasskeys(accountId: string, ...ids: string[]) {
    await passkeyModel(server.connection).insertMany(
      ids.map((id, i) => ({
        _id: id,
        accountId,
        publicKey: 'pQECAyYgASFYIA',
        counter: 0,
        transports: ['usb'],
        deviceType: i === 0 ? 'singleDevice' : 'multiDevice',
        backedUp: false,
        aaguid: '00000000-0000-0000-0000-000000000000',
        name: `Key ${i + 1}`,
        createdAt: new Date(`2026-01-0${i + 1}`),
      })),
    );
  }

  it('lists, makes passkey-only, refuses to strand the account, and revokes', async () => {
    const user = await addUser(server);
    const none = await admin('passkeys', 'require', user.email);
    expect(none.code).to.not.equal(0);
    expect(none.stderr).to.include('has no passkey');

    await givePasskeys(user.id, 'cred-a', 'cred-b');
    const listed = await admin('passkeys', 'list', user.email, '--json');
    expect(listed.code, listed.stderr).to.equal(0);
    expect(JSON.parse(listed.stdout)).to.deep.equal([
      {
        id: 'cred-a',
        name: 'Key 1',
        kind: 'device-bound',
        aaguid: '00000000-0000-0000-0000-000000000000',
        added: '2026-01-01',
        last_used: '',
      },
      {
        id: 'cred-b',
        name: 'Key 2',
        kind: 'synced',
        aaguid: '00000000-0000-0000-0000-000000000000',
        added: '2026-01-02',
        last_used: '',
      },
    ]);

    expect((await admin('passkeys', 'require', user.email)).code).to.equal(0);
    expect((await accountModel(server.connection).findById(user.id).lean())!.passwordDisabled).to.equal(true);

    const both = await admin('passkeys', 'revoke', user.email, '--all');
    expect(both.code).to.not.equal(0);
    expect(both.stderr).to.include('signs in only with passkeys');
    expect((await admin('passkeys', 'revoke', user.email, '--id', 'cred-a')).code).to.equal(0);
    const last = await admin('passkeys', 'revoke', user.email, '--id', 'cred-b');
    expect(last.code, 'the last passkey of a passkey-only account stays').to.not.equal(0);

    expect((await admin('passkeys', 'allow-password', user.email)).code).to.equal(0);
    const gone = await admin('passkeys', 'revoke', user.email, '--all', '--sign-out');
    expect(gone.code, gone.stderr).to.equal(0);
    expect(gone.stdout).to.include('1 passkey(s)');
    expect(await passkeyModel(server.connection).countDocuments({ accountId: user.id })).to.equal(0);
    const unknown = await admin('passkeys', 'revoke', user.email, '--id', 'nope');
    expect(unknown.stderr).to.include('no such passkey');

    const events = await auditModel(server.connection).find({ account: user.id }).lean();
    expect(events.map((e) => e.event)).to.include.members([
      'admin.user.passkey_only',
      'admin.passkey.revoked',
      'admin.user.password_allowed',
    ]);
  });

  it('asks for exactly one of --id and --all', async () => {
    const user = await addUser(server);
    const result = await admin('passkeys', 'revoke', user.email);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('exactly one of --id');
  });

  it('attack: two removals at once of the last two passkeys of a passkey-only account leave one', async () => {
    // Every door (account page, admin API and console, CLI) removes through removePasskey; a
    // count followed by a delete lets both removals see two passkeys and delete one each.
    for (let round = 0; round < 5; round++) {
      const user = await addUser(server);
      await givePasskeys(user.id, `race-${round}-a`, `race-${round}-b`);
      await accountModel(server.connection).updateOne({ _id: user.id }, { $set: { passwordDisabled: true } });
      const results = await Promise.all([
        removePasskey(server.connection, user.id, `race-${round}-a`),
        removePasskey(server.connection, user.id, `race-${round}-b`),
      ]);
      const left = await passkeyModel(server.connection).countDocuments({ accountId: user.id });
      expect(left, `round ${round}: ${JSON.stringify(results)}`).to.be.at.least(1);
      expect(results.filter((r) => 'removed' in r)).to.have.lengthOf(2 - left);
    }
  });

  it('attack: making an account passkey-only while its last passkey is removed leaves a way in', async () => {
    for (let round = 0; round < 5; round++) {
      const user = await addUser(server);
      await givePasskeys(user.id, `only-${round}`);
      await Promise.all([
        requirePasskey(server.connection, user.id),
        removePasskey(server.connection, user.id, `only-${round}`),
      ]);
      const account = await accountModel(server.connection).findById(user.id).lean();
      const left = await passkeyModel(server.connection).countDocuments({ accountId: user.id });
      expect(account!.passwordDisabled && left === 0, `round ${round}`).to.equal(false);
    }
  });
});
