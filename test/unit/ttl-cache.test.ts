import { expect } from 'chai';

import { TtlCache } from '../../provider/cache/ttl-cache.ts';

describe('TtlCache', () => {
  it('returns values until they expire, and remembers misses as entries', async () => {
    const cache = new TtlCache<string | undefined>();
    cache.set('a', 'A', 50);
    cache.set('missing', undefined, 50);
    expect(cache.get('a')).to.equal('A');
    expect(cache.entry('missing')).to.include({ value: undefined });
    expect(cache.entry('never')).to.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.get('a')).to.equal(undefined);
    expect(cache.entry('missing')).to.equal(undefined);
  });

  it('never holds more than its cap: the oldest entries go first', () => {
    const cache = new TtlCache<number>(3);
    for (let i = 0; i < 10; i += 1) cache.set(`k${i}`, i, 60_000);
    expect(['k0', 'k6', 'k7', 'k8', 'k9'].map((k) => cache.get(k))).to.deep.equal([undefined, undefined, 7, 8, 9]);
  });

  it('does not cache with a zero lifetime, and forgets on delete', () => {
    const cache = new TtlCache<number>();
    cache.set('zero', 1, 0);
    expect(cache.get('zero')).to.equal(undefined);
    cache.set('x', 1, 60_000);
    cache.delete('x');
    expect(cache.get('x')).to.equal(undefined);
  });
});
