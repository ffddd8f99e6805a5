import { expect } from 'chai';

import { isRecent } from '../../provider/self-service/require-recent-sign-in.ts';
import { satisfiesPolicy } from '../../provider/self-service/require-session.ts';

describe('account session policy', () => {
  it('needs a second factor in the session only when the account demands one', () => {
    expect(satisfiesPolicy({ amr: ['pwd'] }, false)).to.equal(true);
    expect(satisfiesPolicy({ amr: ['pwd'] }, true)).to.equal(false);
    expect(satisfiesPolicy({ amr: [] }, true)).to.equal(false);
    expect(satisfiesPolicy({ amr: ['pwd', 'otp', 'mfa'] }, true)).to.equal(true);
  });

  it('calls a sign-in recent within the window and not a second after it', () => {
    const now = 1_000_000_000_000;
    expect(isRecent(now / 1000 - 600, 600, now)).to.equal(true);
    expect(isRecent(now / 1000 - 601, 600, now)).to.equal(false);
    expect(isRecent(0, 600, now), 'a session with no login time').to.equal(false);
  });
});
