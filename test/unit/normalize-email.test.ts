import { expect } from 'chai';

import { looksLikeEmail, normalizeEmail } from '../../provider/accounts/normalize-email.ts';

describe('looksLikeEmail', () => {
  it('takes ordinary and international addresses', () => {
    for (const email of ['alice@example.com', 'o.brien+tag@example.co.uk', 'zoë@bücher.example', '用户@例子.example'])
      expect(looksLikeEmail(normalizeEmail(email)), email).to.equal(true);
  });

  it('refuses an address with controls, bidi overrides or lone surrogates (it is shown to administrators)', () => {
    for (const email of [
      'eve\u202e@example.test',
      'e\u0000ve@example.test',
      'eve@exa\u2066mple.test',
      'e\ud800@example.test',
    ])
      expect(looksLikeEmail(email), JSON.stringify(email)).to.equal(false);
  });

  it('refuses spaces, a missing or second @, and more than 254 characters', () => {
    for (const email of ['a b@example.test', 'example.test', 'a@b@example.test', `${'a'.repeat(250)}@x.io`])
      expect(looksLikeEmail(email), email).to.equal(false);
  });
});
