import { expect } from 'chai';

import { describeScope } from '../../provider/resources/resource-server-directory.ts';
import { Browser } from '../helpers/browser.ts';
import { API, addApi, addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Names that pass the display-name check reach the consent page as the text they are: letters
 * of any script and emoji intact, markup escaped rather than run.
 */
describe('client and scope names as the consent page shows them', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('consent-name-rendering');
    await addApi(server);
    // Before any consent: the provider keeps what it read of an API for a while.
    await describeScope(server.connection, API, 'orders:read', '<b>all</b> your "orders" & more');
  });
  after(() => server.stop());

  async function consentFor(clientName: string): Promise<string> {
    const client = await addWebClient(server, { client_name: clientName });
    const config = await relyingParty(server.issuer, client);
    const { url } = await authorizationRequest(config, { scope: 'openid orders:read', resource: API });
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const login = await browser.open(url);
    const consent = await browser.submit(login, '/login', { email: user.email, password: user.password });
    expect(consent.html).to.include('Allow access?');
    return consent.html;
  }

  it('shows accents, CJK and emoji intact', async () => {
    const html = await consentFor('Zürich Café 東京 🚀');
    expect(html).to.include('Zürich Café 東京 🚀');
  });

  it('escapes markup in a client name and in a scope description', async () => {
    const html = await consentFor('<script>alert(1)</script> & "Co"');
    expect(html).not.to.include('<script>alert(1)</script>');
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt; &amp; ');
    expect(html).not.to.include('<b>all</b>');
    expect(html).to.include('&lt;b&gt;all&lt;/b&gt;', html);
  });
});
