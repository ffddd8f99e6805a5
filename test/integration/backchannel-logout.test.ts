import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';

import { logoutDeliveryModel } from '../../provider/logout/logout-delivery-model.ts';
import { openAccount } from '../helpers/account-page.ts';
import { Browser, parseForms } from '../helpers/browser.ts';
import { addUser, addWebClient, type TestClient, type TestUser } from '../helpers/fixtures.ts';
import { signInWithCode } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** A relying party's back-channel logout endpoint: keeps each logout token it receives. */
async function logoutEndpoint(answer: (res: ServerResponse) => void = (res) => res.writeHead(200).end()) {
  const tokens: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`;
  return {
    url,
    tokens,
    async next(timeoutMs = 15_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      const seen = tokens.length;
      while (tokens.length === seen) {
        if (Date.now() > deadline) throw new Error('no logout token arrived');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return tokens.at(-1)!;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('back-channel logout (OpenID Connect Back-Channel Logout 1.0)', function () {
  this.timeout(30_000);
  let server: TestServer;
  let endpoint: Awaited<ReturnType<typeof logoutEndpoint>>;
  let client: TestClient;
  let user: TestUser;

  before(async () => {
    server = await startTestServer('backchannel-logout');
    endpoint = await logoutEndpoint();
    client = await addWebClient(server, {
      first_party: true,
      backchannel_logout_uri: endpoint.url,
      backchannel_logout_session_required: true,
    });
    user = await addUser(server);
  });
  after(async () => {
    endpoint.close();
    await server.stop();
  });

  /** Verifies a logout token as a relying party must (section 2.6), against the provider's keys. */
  async function verified(token: string) {
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.issuer}/jwks`)), {
      issuer: server.issuer,
      audience: client.clientId,
    });
    expect(protectedHeader.typ).to.equal('logout+jwt');
    expect(payload.events).to.deep.equal({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.jti).to.be.a('string');
    expect(payload).not.to.have.property('nonce');
    return payload;
  }

  it('is advertised in discovery', async () => {
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery).to.include({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('posts a signed logout token with the session id on RP-initiated logout', async () => {
    const { tokens, browser } = await signInWithCode(server.issuer, client, user);
    const idToken = tokens.id_token!;
    const sid = decodeJwt(idToken).sid;
    expect(sid, 'ID tokens of such a client carry sid').to.be.a('string');
    const confirm = await browser.open(`/session/end?id_token_hint=${idToken}`);
    const form = parseForms(confirm.html)[0]!;
    const done = await browser.fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, logout: 'yes' }),
    });
    expect(done.status).to.be.oneOf([200, 303]);
    const payload = await verified(await endpoint.next());
    expect(payload).to.include({ sub: user.id, sid });
  });

  it('tells the application when the user signs out everywhere from the account page', async () => {
    const { tokens } = await signInWithCode(server.issuer, client, user);
    const sid = decodeJwt(tokens.id_token!).sid;
    const elsewhere = new Browser(server.issuer);
    const account = await openAccount(elsewhere, user);
    await elsewhere.submit(account, '/account/sign-out-everywhere');
    const received = await Promise.all([endpoint.next(), endpoint.next()]).catch(() => endpoint.tokens);
    const sids = (await Promise.all((Array.isArray(received) ? received : [received]).map(verified))).map((p) => p.sid);
    expect(sids).to.include(sid);
  });
});

describe('back-channel logout to a client that does not answer', function () {
  this.timeout(30_000);

  it('does not hold up the logout; the delivery waits in the queue for a retry', async () => {
    const server = await startTestServer('backchannel-dead');
    const hanging = await logoutEndpoint(() => undefined); // never answers
    try {
      const client = await addWebClient(server, {
        first_party: true,
        backchannel_logout_uri: hanging.url,
        backchannel_logout_session_required: true,
      });
      const user = await addUser(server);
      const { tokens, browser } = await signInWithCode(server.issuer, client, user);
      const confirm = await browser.open(`/session/end?id_token_hint=${tokens.id_token}`);
      const form = parseForms(confirm.html)[0]!;
      const done = await browser.fetch(form.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form.fields, logout: 'yes' }),
      });
      expect(done.status, 'the logout answered while the client hangs').to.be.oneOf([200, 303]);
      expect(hanging.tokens, 'nothing was delivered before the answer').to.deep.equal([]);
      const queued = await logoutDeliveryModel(server.connection).findOne({ clientId: client.clientId }).lean();
      expect(queued).to.include({ sub: user.id });
      expect(queued!.status).to.be.oneOf(['pending', 'sending']);
    } finally {
      hanging.close();
      await server.stop();
    }
  });
});
