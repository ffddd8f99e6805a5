import { expect } from 'chai';

import { Browser, parseForms } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

describe('device page: a POST without a live session', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('device-page-errors');
  });
  after(() => server.stop());

  const serverErrors = () => server.logs.filter((line) => JSON.parse(line).level >= 50);

  for (const [label, cookie] of [
    ['no cookie at all', undefined],
    ['a session cookie nobody issued', '_session=forged-session-id'],
  ] as const) {
    it(`answers a friendly 400 page, in the layout, with the way back, for ${label}`, async () => {
      const response = await fetch(`${server.issuer}/device`, {
        method: 'POST',
        headers: { ...FORM, ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams({ xsrf: 'x', user_code: 'BCDFGHJK' }).toString(),
      });
      const html = await response.text();
      expect(response.status, html.slice(0, 400)).to.equal(400);
      expect(html).to.include('<title>Connect a device</title>');
      expect(html).to.include(`href="${server.issuer}/device"`);
      // No form whose token no session holds: it could only fail again.
      expect(parseForms(html).filter((form) => form.action.endsWith('/device'))).to.deep.equal([]);
      expect(serverErrors()).to.deep.equal([]);
    });
  }

  it('stores no session for such a request, and the page opened again works', async () => {
    const response = await fetch(`${server.issuer}/device`, {
      method: 'POST',
      headers: FORM,
      body: 'user_code=BCDFGHJK',
    });
    await response.arrayBuffer();
    expect(response.headers.getSetCookie().filter((c) => c.startsWith('_session='))).to.deep.equal([]);
    const browser = new Browser(server.issuer);
    const page = await browser.open('/device');
    const again = await browser.submit(page, '/device', { user_code: 'BCDFGHJK' });
    expect(again.status).to.equal(400);
    expect(again.html).to.include('That code is not right');
  });
});
