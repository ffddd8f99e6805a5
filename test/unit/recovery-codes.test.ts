import { expect } from 'chai';

import { verifyPassword } from '../../provider/accounts/password.ts';
import { matchRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from '../../provider/mfa/recovery-codes.ts';

const KEY = Buffer.alloc(32, 29);

/** Attack: a wrong recovery code used to cost ten argon2 verifications, a cheap way to burn CPU. */
describe('recovery codes: one guess costs one argon2 verification at most', function () {
  this.timeout(10_000);
  let codes: string[];
  let stored: Awaited<ReturnType<typeof newRecoveryCodes>>['stored'];
  before(async () => {
    ({ codes, stored } = await newRecoveryCodes(KEY));
  });

  function counting() {
    const calls = { count: 0 };
    const verify = (hash: string, input: string) => {
      calls.count += 1;
      return verifyPassword(hash, input);
    };
    return { calls, verify };
  }

  it('finds a right code (any spelling) with exactly one verification', async () => {
    const { calls, verify } = counting();
    expect(await matchRecoveryCode(stored, codes[6]!.toLowerCase().replace('-', ' '), { key: KEY, verify })).to.equal(
      6,
    );
    expect(calls.count).to.equal(1);
  });

  it('refuses a wrong code with at most one verification', async () => {
    const { calls, verify } = counting();
    expect(await matchRecoveryCode(stored, 'ABCDE-FGHJK', { key: KEY, verify })).to.equal(-1);
    expect(calls.count).to.be.at.most(1);
  });

  it('refuses a used code and a code under another key', async () => {
    const used = stored.map((entry, i) => (i === 2 ? { ...entry, usedAt: new Date() } : entry));
    expect(await matchRecoveryCode(used, codes[2]!, { key: KEY })).to.equal(-1);
    expect(await matchRecoveryCode(stored, codes[3]!, { key: Buffer.alloc(32, 30) })).to.equal(-1);
  });

  it('still finds codes stored before lookup tags, by scanning those', async () => {
    const legacy = stored.map(({ hash, usedAt }) => ({ hash, usedAt }));
    expect(await matchRecoveryCode(legacy, codes[9]!, { key: KEY })).to.equal(9);
  });

  it('normalises what was typed', () => {
    expect(normalizeRecoveryCode(' abcde fghjk ')).to.equal('ABCDE-FGHJK');
  });
});
