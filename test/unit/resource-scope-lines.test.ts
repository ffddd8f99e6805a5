import { expect } from 'chai';

import { linesFromScopes, scopesFromLines } from '../../provider/admin/console/resource-scope-lines.ts';

describe("the console's scopes per API, as lines", () => {
  it('reads one API a line, then its scopes; blank lines and repeats count once', () => {
    expect(
      scopesFromLines('https://a.example read write\r\n\n  https://b.example\nhttps://a.example write admin\n'),
    ).to.deep.equal({
      'https://a.example': ['read', 'write', 'admin'],
      'https://b.example': [],
    });
    expect(scopesFromLines('')).to.deep.equal({});
  });

  it('writes a stored map back as the same lines, and nothing for anything else', () => {
    const map = { 'https://a.example': ['read', 'write'], 'https://b.example': [] };
    expect(linesFromScopes(map)).to.equal('https://a.example read write\nhttps://b.example');
    expect(scopesFromLines(linesFromScopes(map))).to.deep.equal(map);
    for (const other of [undefined, null, ['https://a.example'], 'https://a.example'])
      expect(linesFromScopes(other)).to.equal('');
  });
});
