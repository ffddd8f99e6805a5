import { expect } from 'chai';

import { AuditLog } from '../../provider/security/audit-log.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import { loginThrottleModel } from '../../provider/security/login-throttle-model.ts';
import { verifyAuditChain } from '../../provider/security/verify-audit-chain.ts';
import { Browser } from '../helpers/browser.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import { CALLBACK, addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { errorText, loginAttempt } from '../helpers/login-attempt.ts';
import { startProcessGroup } from '../helpers/process-group.ts';
import { rawRequest } from '../helpers/raw-request.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 21).toString('base64');

describe('security: brute force, audit chain, headers, cookies, proxies', () => {
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    server = await startTestServer('security', {
      LOGIN_DELAY_AFTER_FAILURES: '2',
      LOGIN_LOCK_AFTER_FAILURES: '3',
      LOGIN_LOCK_SECONDS: '600',
      KEY_ENCRYPTION_KEY: KEK,
    });
    client = await addWebClient(server);
  });
  after(() => server.stop());

  describe('brute force', () => {
    it('delays after repeated failures, then locks the account even for the right password', async () => {
      const user = await addUser(server);
      expect((await loginAttempt(server, client, user.email, 'wrong-1')).status).to.equal(401);
      const delayed = await loginAttempt(server, client, user.email, 'wrong-2');
      expect(delayed.status).to.equal(429);
      expect(errorText(delayed)).to.equal('Too many failed sign-in attempts. Try again in 1 second.');
      expect((await loginAttempt(server, client, user.email, user.password)).status, 'during the delay').to.equal(429);

      await new Promise((resolve) => setTimeout(resolve, 1100));
      const locked = await loginAttempt(server, client, user.email, 'wrong-3');
      expect(errorText(locked)).to.equal('Too many failed sign-in attempts. Try again in 600 seconds.');
      expect((await loginAttempt(server, client, user.email, user.password)).status, 'while locked').to.equal(429);
      // The lock is on this address's attempts at the account; the account-wide count goes on.
      const stored = await loginThrottleModel(server.connection)
        .findOne({ _id: { $regex: `^acct-ip:${user.email.replace(/\./g, '\\.')}\\|` } })
        .lean();
      expect(stored!.failures).to.equal(3);
      expect((await loginThrottleModel(server.connection).findById(`acct:${user.email}`).lean())!.failures).to.equal(3);
      expect(stored!.lockedUntil!.getTime()).to.be.greaterThan(Date.now() + 500_000);
    });

    it('throttles an unknown email exactly like a real one (no enumeration through the lock)', async () => {
      const email = 'nobody-at-all@example.test';
      expect(errorText(await loginAttempt(server, client, email, 'x1'))).to.equal('Wrong email or password.');
      expect(errorText(await loginAttempt(server, client, email, 'x2'))).to.equal(
        'Too many failed sign-in attempts. Try again in 1 second.',
      );
    });

    it('clears the account counter on a successful sign-in', async () => {
      const user = await addUser(server);
      expect((await loginAttempt(server, client, user.email, 'wrong')).status).to.equal(401);
      expect(
        await loginThrottleModel(server.connection).countDocuments({
          _id: { $regex: `^acct(-ip)?:${user.email.replace(/\./g, '\\.')}` },
        }),
      ).to.equal(2);
      await signInWithCode(server.issuer, client, user);
      expect(
        await loginThrottleModel(server.connection).countDocuments({
          _id: { $regex: `^acct(-ip)?:${user.email.replace(/\./g, '\\.')}` },
        }),
      ).to.equal(0);
    });
  });

  describe('audit log', () => {
    it('records sign-in events with account, client, IP and request id', async () => {
      const user = await addUser(server);
      await signInWithCode(server.issuer, client, user);
      const events = await auditModel(server.connection).find({ account: user.id }).sort({ _id: 1 }).lean();
      expect(events.map((e) => e.event)).to.include.members(['login.success', 'consent.granted']);
      const login = events.find((e) => e.event === 'login.success')!;
      expect(login).to.include({ client: client.clientId, outcome: 'success' });
      expect(login.ip).to.match(/127\.0\.0\.1$/);
      expect(login.requestId).to.be.a('string');
      const failures = await auditModel(server.connection).countDocuments({
        event: { $in: ['login.failure', 'login.locked', 'login.throttled'] },
      });
      expect(failures).to.be.greaterThan(0);
    });

    it('keeps one unforked chain under concurrent writers on two instances', async () => {
      const a = new AuditLog(server.connection, server.logger, { key: server.auditKey });
      const b = new AuditLog(server.connection, server.logger, { key: server.auditKey });
      const before = await auditModel(server.connection).countDocuments({});
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).append({ event: 'test.concurrent', outcome: 'success', details: { i } }),
        ),
      );
      expect(await auditModel(server.connection).countDocuments({})).to.equal(before + 20);
      const verdict = await verifyAuditChain(server.connection, server.auditKey);
      expect(verdict).to.deep.equal({ ok: true, records: before + 20, unkeyed: 0 });
    });

    it('detects an edited record, a deleted record and an inserted record, naming the first broken one', async () => {
      const Audit = auditModel(server.connection);
      expect((await verifyAuditChain(server.connection, server.auditKey)).ok).to.equal(true);
      const victim = (await Audit.findOne({ event: 'login.success' }).lean())!;

      await Audit.collection.updateOne({ _id: victim._id } as never, { $set: { outcome: 'failure' } });
      const edited = await verifyAuditChain(server.connection, server.auditKey);
      expect(edited).to.deep.include({ ok: false, brokenAt: victim._id });
      expect((edited as { reason: string }).reason).to.include('altered');
      await runVerifier(1, `BROKEN at record ${victim._id}`);
      await Audit.collection.updateOne({ _id: victim._id } as never, { $set: { outcome: victim.outcome } });
      expect((await verifyAuditChain(server.connection, server.auditKey)).ok).to.equal(true);
      await runVerifier(0, 'audit chain intact');

      const middle = (await Audit.findOne({ _id: victim._id + 1 }).lean())!;
      await Audit.collection.deleteOne({ _id: middle._id } as never);
      const deleted = await verifyAuditChain(server.connection, server.auditKey);
      expect(deleted).to.deep.include({ ok: false, brokenAt: middle._id });
      expect((deleted as { reason: string }).reason).to.include('missing');

      // Re-inserting a forged record in the gap does not mend it: its hash chain is wrong.
      await Audit.collection.insertOne({ ...middle, event: 'forged', hash: middle.hash } as never);
      const forged = await verifyAuditChain(server.connection, server.auditKey);
      expect(forged).to.deep.include({ ok: false, brokenAt: middle._id });
      await Audit.collection.deleteOne({ _id: middle._id } as never);
      await Audit.collection.insertOne(middle as never);
      expect((await verifyAuditChain(server.connection, server.auditKey)).ok).to.equal(true);
    });

    it('a bounded walk checks only the newest records, tied to the hash of the one before them', async () => {
      const Audit = auditModel(server.connection);
      const total = await Audit.countDocuments({});
      expect(total).to.be.above(5);
      expect(await verifyAuditChain(server.connection, server.auditKey, undefined, 3)).to.deep.include({
        ok: true,
        records: 3,
      });
      const old = (await Audit.findOne({ _id: 1 }).lean())!;
      const recent = (await Audit.findOne({ _id: total - 1 }).lean())!;
      await Audit.collection.updateOne({ _id: old._id } as never, { $set: { outcome: 'edited' } });
      expect((await verifyAuditChain(server.connection, server.auditKey, undefined, 3)).ok).to.equal(true);
      expect((await verifyAuditChain(server.connection, server.auditKey)).ok).to.equal(false);
      await Audit.collection.updateOne({ _id: old._id } as never, { $set: { outcome: old.outcome } });
      await Audit.collection.updateOne({ _id: recent._id } as never, { $set: { outcome: 'edited' } });
      expect(await verifyAuditChain(server.connection, server.auditKey, undefined, 3)).to.deep.include({
        ok: false,
        brokenAt: recent._id,
      });
      await Audit.collection.updateOne({ _id: recent._id } as never, { $set: { outcome: recent.outcome } });
      expect((await verifyAuditChain(server.connection, server.auditKey)).ok).to.equal(true);
    });

    async function runVerifier(expectedCode: number, expectedText: string): Promise<void> {
      const script = new URL('../../scripts/audit-verify.ts', import.meta.url).pathname;
      const verifier = startProcessGroup(process.execPath, [script], {
        env: {
          PATH: process.env.PATH ?? '',
          MONGODB_URI: testDatabaseUri(),
          MONGODB_DATABASE: server.connection.name,
          KEY_ENCRYPTION_KEY: KEK,
        },
        mergeOutput: true,
      });
      const code = await verifier.exited;
      expect(verifier.stdout()).to.include(expectedText);
      expect(code).to.equal(expectedCode);
    }
  });

  describe('headers and cookies', () => {
    it('sends the screen headers on sign-in pages and no-store on token responses', async () => {
      const page = await new Browser(server.issuer).open(
        (await authorizationRequest(await relyingParty(server.issuer, client))).url,
      );
      expect(page.headers.get('content-security-policy')).to.equal(
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
      );
      expect(page.headers.get('x-frame-options')).to.equal('DENY');
      expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(page.headers.get('cache-control')).to.equal('no-store');
      expect(page.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      // scripts only as files of our own origin (the passkey ones), never inline, nothing from elsewhere
      const scripts = [...page.html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.map((script) => /src="([^"]*)"/.exec(script[1]!)?.[1])).to.deep.equal([
        '/assets/simplewebauthn-browser.js',
        '/assets/passkeys.js',
      ]);
      expect(scripts.every((script) => script[2]!.trim() === '')).to.equal(true);
      expect(page.html).not.to.match(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);

      const token = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        body: 'grant_type=client_credentials',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(token.headers.get('cache-control')).to.equal('no-store');
    });

    it('sets HttpOnly, SameSite=Lax cookies, not Secure on a plain-http issuer', async () => {
      const response = await fetch((await authorizationRequest(await relyingParty(server.issuer, client))).url, {
        redirect: 'manual',
      });
      const cookies = response.headers.getSetCookie();
      expect(cookies.length).to.be.greaterThan(0);
      for (const cookie of cookies) {
        expect(cookie).to.match(/; httponly/i);
        expect(cookie).to.match(/; samesite=lax/i);
        expect(cookie).not.to.match(/; secure/i);
      }
    });

    it('ignores X-Forwarded-* from an untrusted caller', async () => {
      const user = await addUser(server);
      await loginAttempt(server, client, user.email, 'wrong', {
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
      });
      const [record] = await auditModel(server.connection)
        .find({ event: 'login.failure' })
        .sort({ _id: -1 })
        .limit(1)
        .lean();
      expect(record!.ip).to.match(/127\.0\.0\.1$/);
      const response = await fetch((await authorizationRequest(await relyingParty(server.issuer, client))).url, {
        redirect: 'manual',
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
      });
      expect(response.headers.get('location')).not.to.include('evil.example');
      for (const cookie of response.headers.getSetCookie()) expect(cookie).not.to.match(/; secure/i);
    });

    it('advertises its endpoints on the issuer whatever Host a caller forges', async () => {
      // Discovery builds its URLs from the request's host; a shared cache in front would hand a
      // poisoned document to everyone.
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const forged = await rawRequest(server.url, { method: 'GET', path, host: 'evil.example' });
        expect(forged.status, path).to.equal(200);
        expect(forged.body, path).not.to.include('evil.example');
        expect(JSON.parse(forged.body).token_endpoint, path).to.equal(`${server.issuer}/token`);
      }
      // Requests by another name are still served (health probes come by address).
      expect(
        (await rawRequest(server.url, { method: 'GET', path: '/healthz', host: '10.0.0.7:3000' })).status,
      ).to.equal(200);
    });
  });
});

describe('security behind a trusted proxy with an https issuer', () => {
  let server: TestServer;
  let client: TestClient;
  let user: TestUser;
  before(async () => {
    server = await startTestServer('security-proxy', { ISSUER: 'https://id.test.example', TRUST_PROXY: '1' });
    client = await addWebClient(server);
    user = await addUser(server);
  });
  after(() => server.stop());

  it('marks every cookie Secure and believes X-Forwarded-For from the proxy', async () => {
    const url = new URL('/auth', server.url);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const response = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).to.be.greaterThan(0);
    for (const cookie of cookies) expect(cookie).to.match(/; secure/i);

    const interaction = new URL(response.headers.get('location')!, server.url);
    const cookieHeader = cookies.map((c) => c.split(';')[0]).join('; ');
    const page = await fetch(new URL(interaction.pathname, server.url), {
      headers: { cookie: cookieHeader, 'x-forwarded-proto': 'https' },
    });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    await fetch(new URL(`${interaction.pathname}/login`, server.url), {
      method: 'POST',
      headers: {
        cookie: cookieHeader,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
      },
      body: new URLSearchParams({ csrf, email: user.email, password: 'wrong' }).toString(),
    });
    const [record] = await auditModel(server.connection)
      .find({ event: 'login.failure' })
      .sort({ _id: -1 })
      .limit(1)
      .lean();
    expect(record!.ip).to.equal('203.0.113.9');
  });

  it('believes X-Forwarded-Proto from the proxy but never a forwarded host', async () => {
    const forged = await rawRequest(server.url, {
      method: 'GET',
      path: '/.well-known/openid-configuration',
      host: 'id.test.example',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
    });
    expect(forged.body).not.to.include('evil.example');
    expect(JSON.parse(forged.body).token_endpoint).to.equal('https://id.test.example/token');
  });
});
