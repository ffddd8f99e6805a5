import { expect } from 'chai';

import { isWrite } from '../../provider/dev-data/kept-data.ts';

describe('kept development data: what triggers a snapshot', () => {
  it('counts the commands that change data, not reads', () => {
    for (const name of ['insert', 'update', 'delete', 'findAndModify', 'drop'])
      expect(isWrite(name), name).to.equal(true);
    for (const name of ['find', 'aggregate', 'count', 'hello', 'listCollections'])
      expect(isWrite(name), name).to.equal(false);
  });
});
