import { createHash } from 'node:crypto';

import { expect } from 'chai';

// The canonical form is no secret: an attacker has read the source too.
import { canonical } from '../../provider/security/audit-hash.ts';
import { auditModel, type AuditRecord } from '../../provider/security/audit-model.ts';
import { verifyAuditChain } from '../../provider/security/verify-audit-chain.ts';
import { runAdmin } from '../helpers/admin-cli.ts';
import { Browser } from '../helpers/browser.ts';
import { addUser, addWebClient } from '../helpers/fixtures.ts';
import { loginAttempt } from '../helpers/login-attempt.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

const KEK = Buffer.alloc(32, 19).toString('base64');

/** Attacks on the audit log by someone who can write to the database, and by a flood of refusals. */
describe('attack: rewriting, truncating, silencing and flooding the audit log', () => {
  const t = useTestServer('attack-audit', {
    env: { KEY_ENCRYPTION_KEY: KEK },
    api: false,
    user: false,
    setup: async (server) => ({ client: await addWebClient(server) }),
  });

  it('an edit re-chained with plain SHA-256 (no key) is detected', async () => {
    await loginAttempt(t.server, t.client, 'someone@example.test', 'wrong');
    const Audit = auditModel(t.server.connection);
    const records = await Audit.find({}).sort({ _id: 1 }).lean<AuditRecord[]>();
    const victim = records.find((record) => record.outcome === 'failure')!;
    // Rewrite the record and every later one, recomputing each hash the unkeyed way.
    let prevHash = records.find((record) => record._id === victim._id - 1)?.hash ?? '';
    for (const record of records.filter((r) => r._id >= victim._id)) {
      const { hash: _old, prevHash: _prev, ...content } = record;
      const edited = record._id === victim._id ? { ...content, outcome: 'success' as const } : content;
      const hash = createHash('sha256').update(prevHash).update('\n').update(canonical(edited)).digest('hex');
      await Audit.collection.replaceOne({ _id: record._id } as never, { ...edited, prevHash, hash } as never);
      prevHash = hash;
    }
    const verdict = await verifyAuditChain(t.server.connection, t.server.auditKey);
    expect(verdict.ok).to.equal(false);
  });

  it('the chain head can be printed and anchored: records cut from the end are detected', async () => {
    await auditModel(t.server.connection).deleteMany({});
    await loginAttempt(t.server, t.client, 'someone@example.test', 'wrong-1');
    await loginAttempt(t.server, t.client, 'someone@example.test', 'wrong-2');
    const head = await runAdmin(t.server, KEK, ['audit', 'head', '--json']);
    expect(head.code, head.stderr).to.equal(0);
    const anchor = JSON.parse(head.stdout) as { seq: number; hash: string };
    expect(anchor.seq).to.equal(2);
    expect(
      (await runAdmin(t.server, KEK, ['audit', 'verify', '--anchor', `${anchor.seq}:${anchor.hash}`])).code,
    ).to.equal(0);
    await auditModel(t.server.connection).deleteOne({ _id: 2 });
    const cut = await runAdmin(t.server, KEK, ['audit', 'verify', '--anchor', `${anchor.seq}:${anchor.hash}`]);
    expect(cut.code).to.equal(1);
    expect(cut.stdout + cut.stderr).to.include('anchor');
  });

  it('a sign-in whose audit record cannot be written does not finish', async () => {
    const user = await addUser(t.server);
    const browser = new Browser(t.server.issuer);
    const login = await browser.open((await authorizationRequest(await relyingParty(t.server.issuer, t.client))).url);
    const append = t.server.audit.append;
    t.server.audit.append = () => Promise.reject(new Error('audit store refused the write'));
    try {
      const after = await browser.submit(login, '/login', { email: user.email, password: user.password });
      expect(after.leftTo, 'no code reached the client').to.equal(undefined);
      expect(after.status).to.be.at.least(500);
    } finally {
      t.server.audit.append = append;
    }
  });

  it('a flood of refused attempts from one address adds a bounded number of records, then one with the count', async () => {
    const before = await auditModel(t.server.connection).countDocuments({});
    // The bound is per fixed minute: on a loaded machine the flood may span two of them.
    const firstMinute = Math.floor(Date.now() / 60_000);
    for (let i = 0; i < 40; i += 1) await loginAttempt(t.server, t.client, `flood-${i}@example.test`, 'wrong');
    const minutes = Math.floor(Date.now() / 60_000) - firstMinute + 1;
    const written = (await auditModel(t.server.connection).countDocuments({})) - before;
    expect(written, 'records written during the flood').to.be.at.most(20 * minutes);

    // Once the minute is over, one record carries the count of what was left out.
    expect(await t.server.audit.flushSuppressed(Date.now() + 60_000)).to.be.at.least(1);
    const summary = await auditModel(t.server.connection).findOne({ event: 'audit.suppressed' }).lean();
    expect((summary!.details as { suppressed: number }).suppressed).to.be.at.least(40 - written);
    expect(await t.server.audit.flushSuppressed(Date.now() + 60_000), 'summarised once').to.equal(0);
    expect((await verifyAuditChain(t.server.connection, t.server.auditKey)).ok).to.equal(true);
  });
});
