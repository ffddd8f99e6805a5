import { expect } from 'chai';

import { describeScope } from '../../provider/resources/resource-server-directory.ts';
import { Browser } from '../helpers/browser.ts';
import { API, addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

/**
 * Names that pass the display-name check reach the consent page as the text they are: letters
 * of any script and emoji intact, markup escaped rather than run.
 */
describe('client and scope names as the consent page shows them', function () {
  this.timeout(30_000);
  const t = useTestServer('consent-name-rendering', {
    user: false,
    setup: async (server) => {
      // Before any consent: the provider keeps what it read of an API for a while.
      await describeScope(server.connection, API, 'orders:read', '<b>all</b> your "orders" & more');
      return {};
    },
  });

  async function consentFor(clientName: string): Promise<string> {
    const client = await addWebClient(t.server, { client_name: clientName });
    const config = await relyingParty(t.server.issuer, client);
    const { url } = await authorizationRequest(config, { scope: 'openid orders:read', resource: API });
    const user = await addUser(t.server);
    const browser = new Browser(t.server.issuer);
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
