import { expect } from 'chai';

import { displayNameProblem } from '../../provider/security/display-name.ts';

describe('displayNameProblem', () => {
  it('accepts ordinary names in any script, emoji included', () => {
    for (const name of ['Photo App', 'Zürich Café', 'تطبيق', '東京アプリ', 'Rocket 🚀', "O'Brien & Co."]) {
      expect(displayNameProblem(name), name).to.equal(undefined);
    }
  });

  it('refuses control characters, NUL and C1 included', () => {
    for (const name of ['a\u0000b', 'line\nbreak', 'tab\there', 'del\u007f', 'c1\u0085']) {
      expect(displayNameProblem(name), JSON.stringify(name)).to.include('control');
    }
  });

  it('refuses bidirectional overrides, embeddings and isolates', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(displayNameProblem(`Photo${String.fromCodePoint(code)}gpj.exe`), code.toString(16)).to.include('bidi');
    }
  });

  it('refuses lone surrogates', () => {
    expect(displayNameProblem('a\ud800b')).to.include('surrogate');
    expect(displayNameProblem('a\udc00')).to.include('surrogate');
  });
});
