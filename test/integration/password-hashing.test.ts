import { expect } from 'chai';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { openAccount } from '../helpers/account-page.ts';
import { Browser } from '../helpers/browser.ts';
import { addUser, addWebClient } from '../helpers/fixtures.ts';
import { loginAttempt } from '../helpers/login-attempt.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** argon2id parameters of its own (PASSWORD_HASH_*): new hashes take them, older ones move to them. */
describe('password hashing parameters (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS)', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    // OWASP's 12 MiB × 3 profile instead of the default 19 MiB × 2.
    server = await startTestServer('password-hashing', {
      PASSWORD_HASH_MEMORY_KIB: '12288',
      PASSWORD_HASH_ITERATIONS: '3',
    });
  });
  after(() => server.stop());

  const storedHash = async (id: string) =>
    (await accountModel(server.connection).findById(id, { passwordHash: 1 }).lean<{ passwordHash: string }>())!
      .passwordHash;

  it('moves a hash made with other parameters to the configured ones at the next correct sign-in only', async () => {
    const user = await addUser(server); // made with the default parameters
    const client = await addWebClient(server);
    const before = await storedHash(user.id);
    expect(before).to.match(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

    const wrong = await loginAttempt(server, client, user.email, 'not the password');
    expect(wrong.status).to.equal(401);
    expect(await storedHash(user.id)).to.equal(before);

    const right = await loginAttempt(server, client, user.email, user.password);
    expect(right.status).to.equal(303);
    const after = await storedHash(user.id);
    expect(after).to.match(/^\$argon2id\$v=19\$m=12288,p=1,t=3\$/);
    // The password still works, and an up-to-date hash is not written again.
    expect((await loginAttempt(server, client, user.email, user.password)).status).to.equal(303);
    expect(await storedHash(user.id)).to.equal(after);
  });

  it('hashes a password changed on /account with the configured parameters', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await openAccount(browser, user);
    const changed = await browser.submit(account, '/account/password', {
      current_password: user.password,
      new_password: 'a new password for the account page',
    });
    expect(changed.html).to.include('Password changed.');
    expect(await storedHash(user.id)).to.match(/^\$argon2id\$v=19\$m=12288,p=1,t=3\$/);
  });
});
