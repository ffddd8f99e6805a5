import { expect } from 'chai';

import { factsFromClaims } from '../../provider/tokens/token-facts.ts';

describe('token facts from JWT claims', () => {
  const base = {
    sub: 'acct-1',
    client_id: 'web',
    exp: 2_000_000_000,
    scope: 'openid orders:read',
    aud: 'https://api.example',
  };

  it("reads a user's token: grant, account, scopes, audience, act and may_act", () => {
    const facts = factsFromClaims({ ...base, gid: 'g1', act: { sub: 'svc' }, may_act: { client_id: 'gw' } });
    expect(facts).to.deep.include({
      sub: 'acct-1',
      clientId: 'web',
      grantId: 'g1',
      accountId: 'acct-1',
      scopes: ['openid', 'orders:read'],
      audience: ['https://api.example'],
      exp: 2_000_000_000,
      act: { sub: 'svc' },
      mayAct: { client_id: 'gw' },
    });
  });

  it("reads a service's token: no grant, no account", () => {
    const facts = factsFromClaims({ ...base, sub: 'svc', client_id: 'svc', aud: ['a', 'b'] })!;
    expect(facts.grantId).to.equal(undefined);
    expect(facts.accountId).to.equal(undefined);
    expect(facts.audience).to.deep.equal(['a', 'b']);
  });

  it('refuses claims without sub, client_id or exp, or with a grant id that is not a string', () => {
    for (const claims of [
      { ...base, sub: undefined },
      { ...base, client_id: 7 },
      { ...base, exp: 'soon' },
      { ...base, gid: 42 },
    ]) {
      expect(factsFromClaims(claims as never), JSON.stringify(claims)).to.equal(undefined);
    }
  });
});
