import { expect } from 'chai';

import { reachesLibraryPath } from '../../provider/oidc/library-path.ts';

describe('reachesLibraryPath: the spellings oidc-provider routes to one of its paths', () => {
  it('takes any case of the letters and one trailing slash', () => {
    for (const path of ['/reg', '/reg/', '/REG', '/Reg/', '/rEg'])
      expect(reachesLibraryPath(path, '/reg'), path).to.equal(true);
    for (const path of ['/session/end/confirm/', '/SESSION/End/CONFIRM'])
      expect(reachesLibraryPath(path, '/session/end/confirm'), path).to.equal(true);
  });

  it('takes no doubled slash, no second trailing slash, no encoded letter and no other path', () => {
    for (const path of ['//reg', '/reg//', '/%72eg', '/regs', '/re', '/reg/x', '/', ''])
      expect(reachesLibraryPath(path, '/reg'), path).to.equal(false);
  });

  it('folds ASCII letters only, like the library (ſ is not s)', () => {
    expect(reachesLibraryPath('/ſession/end/confirm', '/session/end/confirm')).to.equal(false);
  });
});
