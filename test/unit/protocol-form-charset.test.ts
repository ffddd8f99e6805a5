import { expect } from 'chai';

import { formCharset } from '../../provider/http/protocol-form-charset.ts';

describe('formCharset', () => {
  it('reads the charset of a form content type, unquoted and lower-cased', () => {
    expect(formCharset('application/x-www-form-urlencoded; charset=UTF-16')).to.equal('utf-16');
    expect(formCharset('Application/X-WWW-Form-Urlencoded;charset="utf-8"')).to.equal('utf-8');
  });

  it('names no charset when there is none or the body is not a form', () => {
    expect(formCharset('application/x-www-form-urlencoded')).to.equal(undefined);
    expect(formCharset('application/json; charset=utf-16')).to.equal(undefined);
    expect(formCharset(undefined)).to.equal(undefined);
    expect(formCharset('')).to.equal(undefined);
  });
});
