import { expect } from 'chai';

import { auditHash, auditKey } from '../../provider/security/audit-hash.ts';

describe('audit hash', () => {
  const record = {
    _id: 1,
    at: new Date(0),
    event: 'login.success',
    outcome: 'success' as const,
    prevHash: '',
    keyed: true,
  };

  it('derives one key per KEY_ENCRYPTION_KEY, and the keyed hash changes with it', () => {
    const a = auditKey(Buffer.alloc(32, 1));
    expect(auditKey(Buffer.alloc(32, 1)).equals(a)).to.equal(true);
    expect(auditHash(record, a)).not.to.equal(auditHash(record, auditKey(Buffer.alloc(32, 2))));
  });

  it('does not depend on key order, and covers every field but the hash', () => {
    const key = auditKey(Buffer.alloc(32, 1));
    const reordered = {
      keyed: true,
      prevHash: '',
      outcome: 'success' as const,
      event: 'login.success',
      at: new Date(0),
      _id: 1,
    };
    expect(auditHash(reordered, key)).to.equal(auditHash(record, key));
    expect(auditHash({ ...record, outcome: 'failure' }, key)).not.to.equal(auditHash(record, key));
    expect(auditHash({ ...record, prevHash: 'x' }, key)).not.to.equal(auditHash(record, key));
  });
});
