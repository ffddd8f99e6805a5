import { expect } from 'chai';

import { settleByDeadline } from '../../provider/settle-by-deadline.ts';

const never = new Promise<void>(() => undefined);

describe('settleByDeadline', () => {
  it('abandons nothing when every step ends', async () => {
    expect(await settleByDeadline({ a: Promise.resolve(), b: undefined }, 1000)).to.deep.equal([]);
  });

  it('counts a failed step as ended', async () => {
    expect(await settleByDeadline({ a: Promise.reject(new Error('x')) }, 1000)).to.deep.equal([]);
  });

  it('names the steps still pending at the deadline, and only those', async () => {
    expect(await settleByDeadline({ done: Promise.resolve(), stuck: never, 'also stuck': never }, 20)).to.deep.equal([
      'stuck',
      'also stuck',
    ]);
  });

  it('waits for nothing past a deadline already gone', async () => {
    expect(await settleByDeadline({ stuck: never }, -5)).to.deep.equal(['stuck']);
  });
});
