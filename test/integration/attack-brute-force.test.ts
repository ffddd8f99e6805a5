import { expect } from 'chai';

import { auditModel } from '../../provider/security/audit-model.ts';
import { unlockAccount } from '../../provider/security/login-throttle.ts';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { loginAttempt, loginScreen } from '../helpers/login-attempt.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { enrollTotp } from '../helpers/totp.ts';

const ENCRYPTION_KEY = Buffer.alloc(32, 17).toString('base64');
const count = (pages: Page[], status: number) => pages.filter((page) => page.status === status).length;

/**
 * Attacks on the brute-force defences: a burst of concurrent guesses that checks more than the
 * limit, a forged X-Forwarded-For, and a spray from one address that locks everybody out.
 */
describe('attack: brute force around the lockouts', () => {
  describe('concurrent bursts (limits: 5 free passwords, 5 wrong codes)', () => {
    let server: TestServer;
    let client: TestClient;
    before(async () => {
      // Every refusal chained (no flood guard): the audit log is how these tests count checks.
      server = await startTestServer('attack-burst', {
        MFA_ENCRYPTION_KEY: ENCRYPTION_KEY,
        AUDIT_FAILURES_PER_MINUTE: '10000',
      });
      client = await addWebClient(server);
    });
    after(() => server.stop());

    // What was checked shows in the audit log: a refused attempt is recorded as throttled.
    const checkedEvents = (events: string[], filter: Record<string, unknown> = {}) =>
      auditModel(server.connection).countDocuments({ event: { $in: events }, ...filter });

    it('a burst of 61 concurrent wrong passwords checks no more than the 5 free attempts', async () => {
      const user = await addUser(server);
      const screens = await Promise.all(Array.from({ length: 61 }, () => loginScreen(server, client)));
      const before = await checkedEvents(['login.failure', 'login.locked']);
      const pages = await Promise.all(screens.map((attempt, i) => attempt(user.email, `wrong-${i}`)));
      expect(count(pages, 401) + count(pages, 429)).to.equal(61);
      expect(
        (await checkedEvents(['login.failure', 'login.locked'])) - before,
        'passwords actually checked',
      ).to.be.within(1, 5);
    });

    async function userAtCodeScreen(
      count: number,
    ): Promise<{ user: TestUser; prompts: { browser: Browser; page: Page }[] }> {
      const user = await addUser(server);
      await enrollTotp(server, user, ENCRYPTION_KEY);
      const config = await relyingParty(server.issuer, client);
      const prompts = [];
      for (let i = 0; i < count; i += 1) {
        const browser = new Browser(server.issuer);
        const login = await browser.open((await authorizationRequest(config)).url);
        const page = await browser.submit(login, '/login', { email: user.email, password: user.password });
        expect(page.html).to.include('Two-step verification');
        prompts.push({ browser, page });
      }
      return { user, prompts };
    }

    const burst = (prompts: { browser: Browser; page: Page }[], code: (i: number) => string) =>
      Promise.all(
        prompts.map(async ({ browser, page }, i) => {
          const form = parseForms(page.html).find((f) => f.action.endsWith('/mfa'))!;
          const response = await browser.fetch(new URL(form.action, page.url), {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ ...form.fields, code: code(i) }).toString(),
          });
          return { url: page.url, status: response.status, html: await response.text(), headers: response.headers };
        }),
      );

    it('a burst of 20 concurrent wrong TOTP codes checks no more than 5', async () => {
      const { user, prompts } = await userAtCodeScreen(20);
      const pages = await burst(prompts, (i) => String(100000 + i * 7));
      expect(count(pages, 401) + count(pages, 429)).to.equal(20);
      expect(
        await checkedEvents(['mfa.failure', 'mfa.locked'], { account: user.id }),
        'codes actually checked',
      ).to.be.within(1, 5);
    });

    it('a burst of 12 concurrent wrong recovery codes checks no more than 5', async () => {
      const { user, prompts } = await userAtCodeScreen(12);
      const pages = await burst(prompts, (i) => `WRONG-CODE${String.fromCharCode(65 + i)}`.slice(0, 11));
      expect(count(pages, 401) + count(pages, 429)).to.equal(12);
      expect(
        await checkedEvents(['mfa.failure', 'mfa.locked'], { account: user.id }),
        'recovery codes actually checked',
      ).to.be.within(1, 5);
    });
  });

  describe('behind one trusted proxy (TRUST_PROXY=1; lock after 3 failures)', () => {
    let server: TestServer;
    let client: TestClient;
    before(async () => {
      server = await startTestServer('attack-proxy', {
        TRUST_PROXY: '1',
        LOGIN_DELAY_AFTER_FAILURES: '3',
        LOGIN_LOCK_AFTER_FAILURES: '3',
        LOGIN_LOCK_SECONDS: '600',
      });
      client = await addWebClient(server);
    });
    after(() => server.stop());

    const via = (address: string, spoofed = '198.51.100.66') => ({ 'x-forwarded-for': `${spoofed}, ${address}` });

    it('uses the address the proxy saw, not the leftmost X-Forwarded-For entry the client wrote', async () => {
      const user = await addUser(server);
      await loginAttempt(server, client, user.email, 'wrong', via('203.0.113.7', '192.0.2.1'));
      const [record] = await auditModel(server.connection)
        .find({ event: { $in: ['login.failure', 'login.locked'] } })
        .sort({ _id: -1 })
        .limit(1)
        .lean();
      expect(record!.ip).to.equal('203.0.113.7');
    });

    it('rotating the forged entry does not escape the lock', async () => {
      const user = await addUser(server);
      const statuses = [];
      for (let i = 0; i < 5; i += 1)
        statuses.push(
          (await loginAttempt(server, client, user.email, `wrong-${i}`, via('203.0.113.8', `192.0.2.${i}`))).status,
        );
      expect(statuses.slice(3)).to.deep.equal([429, 429]);
    });

    it('a spray over many accounts from one address does not lock other users out', async () => {
      for (let i = 0; i < 12; i += 1)
        await loginAttempt(server, client, `sprayed-${i}@example.test`, 'Winter2026!', via('203.0.113.9'));
      const bystander = await addUser(server);
      const response = await loginAttempt(server, client, bystander.email, bystander.password, via('203.0.113.9'));
      expect(response.status, 'the bystander signs in').to.equal(303);
    });

    it('an attacker locking an account from one address does not lock its owner out elsewhere', async () => {
      const victim = await addUser(server);
      for (let i = 0; i < 4; i += 1)
        await loginAttempt(server, client, victim.email, `guess-${i}`, via('203.0.113.10'));
      expect(
        (await loginAttempt(server, client, victim.email, victim.password, via('203.0.113.10'))).status,
        "the attacker's address is locked",
      ).to.equal(429);
      expect(
        (await loginAttempt(server, client, victim.email, victim.password, via('198.51.100.20'))).status,
        'the owner signs in from home',
      ).to.equal(303);
      // An operator's unlock clears the counts of every address, not only the account-wide one.
      await loginAttempt(server, client, victim.email, 'guess-again', via('203.0.113.10'));
      await unlockAccount(server.connection, victim.email);
      expect((await loginAttempt(server, client, victim.email, victim.password, via('203.0.113.10'))).status).to.equal(
        303,
      );
    });
  });
});
