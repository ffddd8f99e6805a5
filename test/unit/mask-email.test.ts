import { expect } from 'chai';

import { maskEmail } from '../../provider/mfa/mask-email.ts';

describe('maskEmail: an address shown to someone who may know only the password', () => {
  it('keeps the first letter and the domain', () => {
    expect(maskEmail('dana@example.test')).to.equal('d***@example.test');
    expect(maskEmail('d@example.test')).to.equal('d***@example.test');
    expect(maskEmail('a@b@example.test'), 'the last @ starts the domain').to.equal('a***@example.test');
  });

  it('shows nothing of something that is not an address', () => {
    expect(maskEmail('no-at-sign')).to.equal('***');
    expect(maskEmail('@example.test')).to.equal('***');
  });
});
