import { expect } from 'chai';

import { declaredIndexes, servedBy } from '../helpers/query-shapes.ts';

/** The rule the whole-suite index check applies (test/helpers/root-hooks.ts), on its own. */
describe('index check: which query shapes an index serves', () => {
  const indexes = [['_id'], ['email'], ['event', 'at']];
  const shape = (filter: string[], sort: string[] = []) => ({ collection: 'c', command: 'find', filter, sort });

  it('takes an index whose first key is filtered, and a whole-collection read without sort', () => {
    expect(servedBy(shape(['email']), indexes)).to.equal(true);
    expect(servedBy(shape(['event', 'outcome']), indexes)).to.equal(true);
    expect(servedBy(shape(['_id', 'stage']), indexes)).to.equal(true);
    expect(servedBy(shape([]), indexes)).to.equal(true);
    expect(servedBy(shape([], ['email']), indexes)).to.equal(true);
  });

  it('refuses a filter on a field no index starts with, or a sort no index gives', () => {
    expect(servedBy(shape(['at']), indexes)).to.equal(false);
    expect(servedBy(shape(['outcome']), indexes)).to.equal(false);
    expect(servedBy(shape([], ['at']), indexes)).to.equal(false);
  });

  it('reads the declared indexes from the models, the _id index included', () => {
    const catalog = declaredIndexes();
    expect(catalog.get('accounts')).to.deep.include(['email']);
    expect(catalog.get('oidc_Grant')).to.deep.include(['payload.accountId']);
    expect(catalog.get('oidc_AccessToken')).to.not.deep.include(['payload.accountId']);
    expect(catalog.get('identity_links')![0]).to.deep.equal(['_id']);
  });
});
