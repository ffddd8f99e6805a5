import { expect } from 'chai';

import { findDuplicateKey } from '../../provider/admin/api/find-duplicate-key.ts';

describe('findDuplicateKey', () => {
  it('finds nothing in JSON without duplicates, whatever it holds', () => {
    for (const text of [
      '{}',
      '[]',
      '"a"',
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{"a":"x\\":y","b":"\\\\","c":":"}',
      ' { "a" : [ "a" , "a" ] , "b" : null } ',
    ]) {
      expect(findDuplicateKey(text), text).to.equal(undefined);
    }
  });

  it('names the first key that appears twice in one object, with its path', () => {
    expect(findDuplicateKey('{"name":"a","name":"b"}')).to.equal('name');
    expect(findDuplicateKey('{"a":{"b":1,"b":2}}')).to.equal('a.b');
    expect(findDuplicateKey('{"list":[{"k":1},{"k":1,"k":2}]}')).to.equal('list.1.k');
    expect(findDuplicateKey('{ "a" : 1 ,\n "a" : 1 }')).to.equal('a');
  });

  it('compares keys after unescaping them', () => {
    expect(findDuplicateKey('{"name":"a","n\\u0061me":"b"}')).to.equal('name');
    expect(findDuplicateKey('{"__proto__":1,"__proto__":2}')).to.equal('__proto__');
  });

  it('does not take a string value followed by a colon inside a string for a key', () => {
    expect(findDuplicateKey('{"a":"b","c":"a:"}')).to.equal(undefined);
  });
});
