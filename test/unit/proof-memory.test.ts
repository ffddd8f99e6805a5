import { expect } from 'chai';

import { PROOF_WINDOW_SECONDS, proofRememberedUntil } from '../../provider/validate/proof-memory.ts';

/** oauth4webapi's freshness rule for a DPoP proof's iat, for the test to compare with. */
const accepted = (iat: number, now: number) => Math.abs(now - iat) <= PROOF_WINDOW_SECONDS;

describe('how long a used DPoP proof is remembered', () => {
  const now = 1_800_000_000;

  it('outlasts every second in which the proof is still accepted, with room for clock skew', () => {
    for (const iat of [now - 300, now - 299, now - 1, now, now + 1, now + 300]) {
      const until = proofRememberedUntil(iat, now);
      let last = now;
      while (accepted(iat, last + 1)) last += 1;
      // The store may read it a second after its last accepted second, on a clock a little behind.
      expect(until, `iat ${iat - now}`).to.be.at.least(last + 30);
    }
  });

  it('always lies ahead of now (a zero or negative lifetime would keep it forever or not at all)', () => {
    expect(proofRememberedUntil(now - 300, now)).to.be.greaterThan(now);
  });
});
