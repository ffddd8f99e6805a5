import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';

import { ACR_FEDERATED, ACR_MFA, ACR_PHISHING_RESISTANT, ACR_PASSWORD } from '../../provider/mfa/acr.ts';
import { activateEnrollment, startEnrollment } from '../../provider/mfa/enrollment.ts';
import { mfaModel } from '../../provider/mfa/mfa-model.ts';
import { Browser, type Page } from '../helpers/browser.ts';
import { proveEmail } from '../helpers/enrollment-email.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import {
  authorizationRequest,
  redeem,
  relyingParty,
  signIn,
  type AuthorizationRequest,
  signInWithCode,
} from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import {
  awayFromStepBoundary,
  continueLink,
  recoveryCodesOnPage,
  secretOnPage,
  totpCode,
  mfaDepsFor,
} from '../helpers/totp.ts';

const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const KEY_ENCRYPTION_KEY = Buffer.alloc(32, 8).toString('base64');

describe('multi-factor sign-in (TOTP)', () => {
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    server = await startTestServer('mfa', { MFA_ENCRYPTION_KEY: ENCRYPTION_KEY, KEY_ENCRYPTION_KEY });
    client = await addWebClient(server);
  });
  after(() => server.stop());

  const mfaDeps = () => mfaDepsFor(server, ENCRYPTION_KEY);

  /** Enrolls a factor directly (as if done long ago) and returns its secret. */
  async function enrollDirectly(user: TestUser): Promise<string> {
    const { secret } = await startEnrollment(mfaDeps(), user.id, user.email);
    const activation = await activateEnrollment(mfaDeps(), user.id, await totpCode(secret));
    expect(activation.activated).to.equal(true);
    // Forget the step used to activate, so any code of the current window is fresh.
    await mfaModel(server.connection).updateOne({ _id: user.id }, { $set: { lastUsedStep: 0 } });
    return secret;
  }

  async function passwordStep(browser: Browser, request: AuthorizationRequest, user: TestUser): Promise<Page> {
    const page = await browser.open(request.url);
    return browser.submit(page, '/login', { email: user.email, password: user.password });
  }

  async function finish(browser: Browser, page: Page): Promise<URL> {
    let current = page;
    if (current.html.includes('/confirm"')) current = await browser.submit(current, '/confirm');
    if (!current.leftTo) throw new Error(`did not return to the client: ${current.html.slice(0, 400)}`);
    return current.leftTo;
  }

  it('signs in with a password alone when no factor is enrolled and the policy is optional', async () => {
    const user = await addUser(server);
    const { tokens } = await signInWithCode(server.issuer, client, user);
    expect(tokens.claims()).to.include({ acr: ACR_PASSWORD });
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
  });

  it('publishes the acr values in discovery', async () => {
    const config = await relyingParty(server.issuer, client);
    expect(config.serverMetadata().acr_values_supported).to.deep.equal([
      ACR_PASSWORD,
      ACR_FEDERATED,
      ACR_MFA,
      ACR_PHISHING_RESISTANT,
    ]);
  });

  it('enrolls through a QR code screen when a client asks for MFA, then shows ten recovery codes once', async () => {
    const user = await addUser(server);
    const config = await relyingParty(server.issuer, client);
    const browser = new Browser(server.issuer);
    const request = await authorizationRequest(config, { acr_values: ACR_MFA });
    const enroll = await passwordStep(browser, request, user);
    expect(enroll.html).to.include('Set up two-step verification');
    expect(enroll.html).to.match(/<img class="qr" src="data:image\/png;base64,/);
    const secret = secretOnPage(enroll);

    // Nothing is active until a code proves the app has the secret.
    const wrong = await browser.submit(enroll, '/mfa/enroll', { code: '000000' });
    expect(wrong.status).to.equal(401);
    expect(secretOnPage(wrong)).to.equal(secret);
    expect((await mfaModel(server.connection).findById(user.id).lean())!.totpSecret ?? undefined).to.equal(undefined);

    const codesPage = await browser.submit(wrong, '/mfa/enroll', { code: await totpCode(secret) });
    const codes = recoveryCodesOnPage(codesPage);
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);

    const done = await finish(browser, await browser.open(continueLink(codesPage)));
    const tokens = await redeem(config, request, done);
    expect(tokens.claims()).to.include({ acr: ACR_MFA });
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);

    // Stored: the secret sealed (a JWE bound to the account), recovery codes as argon2id hashes.
    const raw = await server.connection.db!.collection('mfa').findOne({ _id: user.id as never });
    expect(JSON.stringify(raw)).not.to.include(secret);
    expect(decodeProtectedHeader(raw!.totpSecret as string)).to.include({ alg: 'dir', enc: 'A256GCM', sub: user.id });
    expect(raw!.pendingSecret).to.equal(null);
    for (const code of codes) expect(JSON.stringify(raw)).not.to.include(code);
    expect((raw!.recoveryCodes as { hash: string }[])[0]!.hash).to.match(/^\$argon2id\$/);
  });

  it('asks an enrolled user for a code after the password, and the password alone yields nothing', async () => {
    const user = await addUser(server);
    const secret = await enrollDirectly(user);
    const config = await relyingParty(server.issuer, client);
    const browser = new Browser(server.issuer);
    const request = await authorizationRequest(config);
    const mfaPage = await passwordStep(browser, request, user);
    expect(mfaPage.leftTo).to.equal(undefined);
    expect(mfaPage.html).to.include('Two-step verification');

    // The half-finished session cannot be used silently by this or another client.
    const silent = await browser.open((await authorizationRequest(config, { prompt: 'none' })).url);
    expect(silent.leftTo!.searchParams.get('error')).to.equal('interaction_required');
    expect(silent.leftTo!.searchParams.has('code')).to.equal(false);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const codeEnteredAt = Math.floor(Date.now() / 1000);
    const page = await browser.open(mfaPage.url);
    const done = await finish(browser, await browser.submit(page, '/mfa', { code: await totpCode(secret) }));
    const tokens = await redeem(config, request, done);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(tokens.claims()!.auth_time).to.be.at.least(codeEnteredAt);
  });

  it('refuses a wrong code, a replayed code, and codes outside one step of drift', async () => {
    const user = await addUser(server);
    const secret = await enrollDirectly(user);
    const config = await relyingParty(server.issuer, client);

    const attempt = async (code: string) => {
      const browser = new Browser(server.issuer);
      const mfaPage = await passwordStep(browser, await authorizationRequest(config), user);
      return browser.submit(mfaPage, '/mfa', { code });
    };

    const wrong = await attempt('123456');
    expect(wrong.status).to.equal(401);
    expect(wrong.html).to.include('That code is not right');

    await awayFromStepBoundary();
    expect((await attempt(await totpCode(secret, -2))).status, 'two steps behind').to.equal(401);
    expect((await attempt(await totpCode(secret, 2))).status, 'two steps ahead').to.equal(401);

    // Accepted: the sign-in moves on to consent (this user has not consented to this client yet).
    const accepted = (page: Page) => page.status === 200 && page.html.includes('/confirm"');
    expect(accepted(await attempt(await totpCode(secret, -1))), 'one step behind').to.equal(true);
    const ahead = await totpCode(secret, 1);
    expect(accepted(await attempt(ahead)), 'one step ahead').to.equal(true);
    const replay = await attempt(ahead);
    expect(replay.status, 'the same code again').to.equal(401);
    // Once a later step was used, an earlier (still in-window) code is a replay too.
    expect((await attempt(await totpCode(secret))).status, 'an older step').to.equal(401);
  });

  it('locks the account for a growing delay after five wrong codes in a row, even for a right code', async () => {
    const user = await addUser(server);
    const secret = await enrollDirectly(user);
    const config = await relyingParty(server.issuer, client);
    const browser = new Browser(server.issuer);
    let page = await passwordStep(browser, await authorizationRequest(config), user);
    for (let i = 0; i < 4; i += 1) {
      page = await browser.submit(page, '/mfa', { code: '000000' });
      expect(page.status).to.equal(401);
    }
    page = await browser.submit(page, '/mfa', { code: '000000' });
    expect(page.status).to.equal(429);
    expect(page.html).to.include('Too many wrong codes. Try again in 30 seconds.');
    const locked = await browser.submit(page, '/mfa', { code: await totpCode(secret) });
    expect(locked.status).to.equal(429);

    const stored = await mfaModel(server.connection).findById(user.id).lean();
    expect(stored!.failures).to.equal(5);
    // The next failure after the lock doubles it (shared state: another instance reads the same document).
    await mfaModel(server.connection).updateOne(
      { _id: user.id },
      { $set: { lockedUntil: new Date(Date.now() - 1000) } },
    );
    const sixth = await browser.submit(locked, '/mfa', { code: '000000' });
    expect(sixth.html).to.include('Try again in 60 seconds.');
  });

  it('accepts a recovery code once', async () => {
    const user = await addUser(server);
    const { secret } = await startEnrollment(mfaDeps(), user.id, user.email);
    const activation = await activateEnrollment(mfaDeps(), user.id, await totpCode(secret));
    if (!activation.activated) throw new Error('activation failed');
    const [first] = activation.recoveryCodes;
    const config = await relyingParty(server.issuer, client);

    const browser = new Browser(server.issuer);
    const request = await authorizationRequest(config);
    const page = await passwordStep(browser, request, user);
    const done = await finish(
      browser,
      await browser.submit(page, '/mfa', { code: first!.toLowerCase().replace('-', ' ') }),
    );
    expect((await redeem(config, request, done)).claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);

    const again = new Browser(server.issuer);
    const second = await passwordStep(again, await authorizationRequest(config), user);
    const refused = await again.submit(second, '/mfa', { code: first! });
    expect(refused.status).to.equal(401);
  });

  it('steps up with acr_values inside a password-only SSO session, and not again until max_age says so', async () => {
    const user = await addUser(server);
    const config = await relyingParty(server.issuer, client);
    const browser = new Browser(server.issuer);
    const first = await authorizationRequest(config);
    expect((await redeem(config, first, await signIn(browser, first, user))).claims()!.acr).to.equal(ACR_PASSWORD);
    const secret = await enrollDirectly(user); // enrolled after this session's password sign-in

    const stepUp = await authorizationRequest(config, { acr_values: ACR_MFA });
    const mfaPage = await browser.open(stepUp.url);
    expect(mfaPage.html).to.include('Two-step verification').and.not.include('name="password"');
    const stepped = await redeem(
      config,
      stepUp,
      await finish(browser, await browser.submit(mfaPage, '/mfa', { code: await totpCode(secret) })),
    );
    expect(stepped.claims()).to.include({ acr: ACR_MFA });

    const silent = await authorizationRequest(config, { acr_values: ACR_MFA, prompt: 'none' });
    const silentPage = await browser.open(silent.url);
    expect((await redeem(config, silent, silentPage.leftTo!)).claims()!.acr).to.equal(ACR_MFA);

    const fresh = await authorizationRequest(config, { acr_values: ACR_MFA, max_age: '0' });
    const again = await browser.open(fresh.url);
    expect(again.html).to.include('name="password"');
    const mfaAgain = await browser.submit(again, '/login', { email: user.email, password: user.password });
    expect(mfaAgain.html).to.include('Two-step verification');
  });

  it('makes users of a client with require_mfa enroll, but not users of other clients', async () => {
    const strict = await addWebClient(server, { require_mfa: true });
    const user = await addUser(server);
    const strictConfig = await relyingParty(server.issuer, strict);
    const page = await passwordStep(new Browser(server.issuer), await authorizationRequest(strictConfig), user);
    expect(page.html).to.include('Set up two-step verification');

    const relaxedConfig = await relyingParty(server.issuer, client);
    const relaxed = await authorizationRequest(relaxedConfig);
    const tokens = await redeem(relaxedConfig, relaxed, await signIn(new Browser(server.issuer), relaxed, user));
    expect(tokens.claims()!.acr).to.equal(ACR_PASSWORD);
  });

  it('refuses to start on this database with another MFA_ENCRYPTION_KEY, naming it and printing no key', async () => {
    const other = Buffer.alloc(32, 9).toString('base64');
    const refused = await startTestServer('mfa-wrong-key', {
      MFA_ENCRYPTION_KEY: other,
      KEY_ENCRYPTION_KEY,
      MONGODB_DATABASE: server.connection.name,
    }).then(
      async (started) => {
        await started.close(); // not stop(): that drops the database the other tests use
        return undefined;
      },
      (err: Error) => err,
    );
    expect(refused?.message).to.include('MFA_ENCRYPTION_KEY does not open');
    expect(refused?.message).not.to.include(other).and.not.include(ENCRYPTION_KEY);
  });

  it('answers a factor that cannot be opened with a clear page and one error log line, never a 500', async () => {
    const user = await addUser(server);
    const secret = await enrollDirectly(user);
    // Sealed under a key this instance does not hold (restored from elsewhere, or corrupted).
    const { seal } = await import('../../provider/security/secret-box.ts');
    const foreign = await seal(Buffer.alloc(32, 3), secret, user.id);
    await mfaModel(server.connection).updateOne({ _id: user.id }, { $set: { totpSecret: foreign } });
    const config = await relyingParty(server.issuer, client);
    const browser = new Browser(server.issuer);
    const mfaPage = await passwordStep(browser, await authorizationRequest(config), user);
    const logsBefore = server.logs.length;
    const answer = await browser.submit(mfaPage, '/mfa', { code: await totpCode(secret) });
    expect(answer.status).to.equal(503);
    expect(answer.leftTo).to.equal(undefined);
    expect(answer.html).to.include('cannot be checked');
    expect(answer.html).not.to.match(/at .+\.ts:\d+/);
    const logged = server.logs.slice(logsBefore).filter((line) => line.includes('cannot be opened'));
    expect(logged).to.have.length(1);
    expect(JSON.parse(logged[0]!).level).to.be.at.least(50);
    expect(logged[0]).not.to.include(foreign).and.not.include(secret).and.not.include(ENCRYPTION_KEY);
  });

  it('refuses an unknown require_mfa value in client metadata', async () => {
    const refused = await addWebClient(server, { require_mfa: 'yes' as never }).then(
      () => undefined,
      (err: { error?: string; error_description?: string }) => err,
    );
    expect(refused?.error).to.equal('invalid_client_metadata');
    expect(refused?.error_description).to.include('require_mfa must be a boolean');
  });
});

describe('multi-factor sign-in with MFA_POLICY=required', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('mfa-required', { MFA_POLICY: 'required', MFA_ENCRYPTION_KEY: ENCRYPTION_KEY });
  });
  after(() => server.stop());

  it('sends a user without a factor through enrollment, after a mailed code, before the sign-in can finish', async () => {
    const client = await addWebClient(server);
    const user = await addUser(server);
    const config = await relyingParty(server.issuer, client);
    const browser = new Browser(server.issuer);
    const request = await authorizationRequest(config);
    const page = await browser.open(request.url);
    const step = await browser.submit(page, '/login', { email: user.email, password: user.password });
    expect(step.html).to.include('Set up two-step verification');
    // The first factor under this policy needs the account's email proven: the mailed code first.
    expect(step.html).to.include('id="email-code"').and.not.include('totp-secret');
    const enroll = await proveEmail(server, browser, step, user.email);
    const codes = await browser.submit(enroll, '/mfa/enroll', { code: await totpCode(secretOnPage(enroll)) });
    let next = await browser.open(continueLink(codes));
    if (next.html.includes('/confirm"')) next = await browser.submit(next, '/confirm');
    const tokens = await redeem(config, request, next.leftTo!);
    expect(tokens.claims()!.acr).to.equal(ACR_MFA);
  });
});
