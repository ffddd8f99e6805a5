import { expect } from 'chai';

import { oidcModel } from '../../adapters/mongodb.ts';
import { activateEnrollment, startEnrollment } from '../../provider/mfa/enrollment.ts';
import { mfaModel } from '../../provider/mfa/mfa-model.ts';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestUser } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';
import {
  awayFromStepBoundary,
  enrollTotp,
  recoveryCodesOnPage,
  secretOnPage,
  totpCode,
  mfaDepsFor,
} from '../helpers/totp.ts';

const ENCRYPTION_KEY = Buffer.alloc(32, 11).toString('base64');

/**
 * Attacks on the second factor by someone who knows only the password (an attack review found
 * both working). Each test performs the attack through HTTP and asserts it fails.
 */
describe('attack: defeating two-step verification with the password alone', () => {
  const t = useTestServer('attack-mfa', {
    env: { MFA_ENCRYPTION_KEY: ENCRYPTION_KEY },
    api: false,
    user: false,
    setup: async (server) => ({ client: await addWebClient(server) }),
  });

  const mfaDeps = () => mfaDepsFor(t.server, ENCRYPTION_KEY);

  async function userWithTotp(): Promise<{ user: TestUser; secret: string }> {
    const user = await addUser(t.server);
    return { user, secret: await enrollTotp(t.server, user, ENCRYPTION_KEY) };
  }

  /** The attacker's browser: the password typed, stopped at the code screen. */
  async function passwordOnly(user: TestUser): Promise<{ browser: Browser; prompt: Page }> {
    const browser = new Browser(t.server.issuer);
    const config = await relyingParty(t.server.issuer, t.client);
    const login = await browser.open((await authorizationRequest(config)).url);
    const prompt = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(prompt.html).to.include('Two-step verification');
    return { browser, prompt };
  }

  async function storedSecret(user: TestUser): Promise<string | null | undefined> {
    return (await mfaModel(t.server.connection).findById(user.id).lean())?.totpSecret;
  }

  it('a sign-in abandoned at the code screen does not open /account (so cannot turn the factor off)', async () => {
    const { user } = await userWithTotp();
    const before = await storedSecret(user);
    const { browser } = await passwordOnly(user);

    const account = await browser.open('/account');
    expect(account.url.pathname, 'sent to the second-factor step, not the account page').to.match(/^\/interaction\//);
    expect(account.html).to.include('Two-step verification').and.not.include('Turn off two-step verification');

    // Whatever the attacker posts to the account forms without the page's token is refused.
    for (const action of ['/account/mfa/remove', '/account/password', '/account/mfa/start']) {
      const response = await browser.fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          proof: user.password,
          current_password: user.password,
          new_password: 'attacker chosen passphrase',
        }).toString(),
      });
      expect(response.status, action).to.be.oneOf([303, 403]);
    }
    expect(await storedSecret(user)).to.equal(before);
  });

  it('after the code, /account opens: the same browser finishes the second factor first', async () => {
    const { user, secret } = await userWithTotp();
    const { browser } = await passwordOnly(user);
    const prompt = await browser.open('/account');
    await awayFromStepBoundary();
    const account = await browser.submit(prompt, '/mfa', { code: await totpCode(secret) });
    expect(account.url.pathname).to.equal('/account');
    expect(account.html).to.include(user.email).and.include('Turn off two-step verification');
  });

  it('the password alone cannot turn the factor off, even in a fully signed-in session', async () => {
    const { user, secret } = await userWithTotp();
    const { browser } = await passwordOnly(user);
    await awayFromStepBoundary();
    const account = await browser.submit(await browser.open('/account'), '/mfa', { code: await totpCode(secret) });
    const refused = await browser.submit(account, '/mfa/remove', { proof: user.password });
    expect(refused.status).to.equal(401);
    expect(await storedSecret(user)).to.be.a('string');
  });

  it('the enroll route at the verify prompt neither shows a new secret nor replaces the factor', async () => {
    const { user } = await userWithTotp();
    const before = await storedSecret(user);
    const { browser, prompt } = await passwordOnly(user);
    const { csrf } = parseForms(prompt.html).find((form) => form.action.endsWith('/mfa'))!.fields;
    const enrollUrl = new URL(`${prompt.url.pathname}/mfa/enroll`, t.server.issuer);

    const post = (code: string) =>
      browser.fetch(enrollUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: csrf!, code }).toString(),
      });
    const first = await post('000000');
    const html = await first.text();
    expect(first.status).to.equal(400);
    expect(html).not.to.include('totp-secret');

    // Even knowing a pending secret (say, planted earlier), activation cannot overwrite the factor.
    const { secret: planted } = await startEnrollment(mfaDeps(), user.id, user.email);
    const second = await post(await totpCode(planted));
    expect(second.status).to.equal(400);
    expect(second.headers.get('location')).to.equal(null);
    expect(await activateEnrollment(mfaDeps(), user.id, await totpCode(planted, 1))).to.deep.equal({
      activated: false,
    });
    expect(await storedSecret(user)).to.equal(before);
  });

  it('sensitive account actions need a recent sign-in ("sudo mode"): an old session is sent to sign in again', async () => {
    const user = await addUser(t.server);
    const browser = new Browser(t.server.issuer);
    const login = await browser.open('/account');
    const account = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(account.url.pathname).to.equal('/account');

    // The session was authenticated 11 minutes ago (the default window is 10).
    await oidcModel(t.server.connection, 'Session').updateMany(
      { 'payload.accountId': user.id },
      { $set: { 'payload.loginTs': Math.floor(Date.now() / 1000) - 11 * 60 } },
    );
    const stale = await browser.submit(account, '/password', {
      current_password: user.password,
      new_password: 'a brand new passphrase',
    });
    expect(stale.status).to.equal(401);
    expect(stale.html).to.include('sign in again');
    const reauth = await browser.open('/account/reauthenticate');
    expect(reauth.url.pathname, 'the password is asked again').to.match(/^\/interaction\//);
    expect(reauth.html).to.include('name="password"');
    const fresh = await browser.submit(reauth, '/login', { email: user.email, password: user.password });
    expect(fresh.url.pathname).to.equal('/account');
    const changed = await browser.submit(fresh, '/password', {
      current_password: user.password,
      new_password: 'a brand new passphrase',
    });
    expect(changed.html).to.include('Password changed.');
  });

  it('a recovery code can turn the factor off (the phone is lost), and replacing a factor needs it off first', async () => {
    const user = await addUser(t.server);
    const browser = new Browser(t.server.issuer);
    const account = await browser.submit(await browser.open('/account'), '/login', {
      email: user.email,
      password: user.password,
    });
    await awayFromStepBoundary();
    const enroll = await browser.submit(account, '/mfa/start');
    const secret = secretOnPage(enroll);
    const codes = recoveryCodesOnPage(await browser.submit(enroll, '/mfa/activate', { code: await totpCode(secret) }));
    const on = await browser.open('/account');
    expect(
      parseForms(on.html).some((form) => form.action.endsWith('/mfa/start')),
      'no "set up" while a factor is on',
    ).to.equal(false);
    const restart = await browser.fetch('/account/mfa/start', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: parseForms(on.html)[0]!.fields.csrf! }).toString(),
    });
    expect(restart.status).to.equal(400);
    expect(await restart.text()).not.to.include('totp-secret');
    const off = await browser.submit(on, '/mfa/remove', { proof: codes[0]! });
    expect(off.html).to.include('Two-step verification is off.');
  });
});
