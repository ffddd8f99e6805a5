import { expect } from 'chai';

import { Browser } from '../helpers/browser.ts';
import { addUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** Someone with a signed-in browser (but not the password) guessing it on the account page. */
describe("attack: guessing the password through the account page's re-check", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('attack-account-password', { LOGIN_DELAY_AFTER_FAILURES: '3' });
  });
  after(() => server.stop());

  it('is throttled like the sign-in screen: after 3 wrong guesses the next are refused unchecked, the right one too', async () => {
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const account = await browser.submit(await browser.open('/account'), '/login', {
      email: user.email,
      password: user.password,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        (
          await browser.submit(account, '/password', {
            current_password: `guess-${i}`,
            new_password: 'attacker chosen passphrase',
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 2)).to.deep.equal([401, 401]);
    expect(statuses.slice(3)).to.deep.equal([429, 429, 429]);
    const right = await browser.submit(account, '/password', {
      current_password: user.password,
      new_password: 'attacker chosen passphrase',
    });
    expect(right.status).to.equal(429);
    expect(right.html).to.include('Too many');
  });
});
