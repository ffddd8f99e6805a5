import { expect } from 'chai';

import { seconds } from '../../provider/views/seconds.ts';

describe('seconds', () => {
  it('says one second, and N seconds otherwise', () => {
    expect(seconds(1)).to.equal('1 second');
    expect(seconds(2)).to.equal('2 seconds');
    expect(seconds(0)).to.equal('0 seconds');
  });
});
