import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';

import { rotateKeys } from '../../provider/keys/rotate-keys.ts';
import { keyModel } from '../../provider/keys/key-model.ts';
import { Browser } from '../helpers/browser.ts';
import {
  API,
  CALLBACK,
  addApi,
  basicAuth,
  addServiceClient,
  addUser,
  addWebClient,
  type TestClient,
  type TestUser,
} from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signIn } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 8);
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** Two provider instances on one database, as behind a load balancer without sticky sessions. */
describe('two instances on one database', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let web: TestClient;
  let service: TestClient;
  let user: TestUser;

  before(async () => {
    const shared = {
      KEY_ENCRYPTION_KEY: KEK.toString('base64'),
      // Every instance holds the same MFA key too, or the second refuses to start.
      MFA_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      KEY_RELOAD_SECONDS: '1',
      LOGIN_DELAY_AFTER_FAILURES: '3',
      LOGIN_LOCK_AFTER_FAILURES: '3',
    };
    a = await startTestServer('multi', shared);
    b = await startTestServer('multi', { ...shared, ISSUER: a.issuer, MONGODB_DATABASE: a.connection.name });
    await addApi(a);
    web = await addWebClient(a);
    service = await addServiceClient(a);
    user = await addUser(a);
  });
  after(async () => {
    await b.close();
    await a.stop();
  });

  async function post(server: TestServer, path: string, client: TestClient, body: Record<string, string>) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams(body).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function codeFromA(): Promise<string> {
    const config = await relyingParty(a.issuer, web);
    const request = await authorizationRequest(config, { code_challenge: CHALLENGE, scope: 'openid' });
    return (await signIn(new Browser(a.issuer), request, user)).searchParams.get('code')!;
  }

  it('redeems on B a code from a sign-in on A, and refreshes on B', async () => {
    const code = await codeFromA();
    const tokens = await post(b, '/token', web, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER,
    });
    expect(tokens.status).to.equal(200);
    expect(tokens.body.id_token).to.be.a('string');
    const refreshed = await post(b, '/token', web, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
    });
    expect(refreshed.status).to.equal(200);
  });

  it('makes a key rotated through A sign on B within the reload bound, and refresh on B keeps working', async () => {
    const code = await codeFromA();
    const tokens = await post(a, '/token', web, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER,
    });
    const next = await keyModel(a.connection).findOne({ kind: 'signing', alg: 'ES256', state: 'next' }).lean();

    expect((await rotateKeys(a.connection, KEK, 86400)).rotated).to.equal(true);
    await a.reloadKeys();
    const started = Date.now();
    let kid: string | undefined;
    // KEY_RELOAD_SECONDS=1: B must pick the rotation up within about a second, without a restart.
    while (Date.now() - started < 5000) {
      const cc = await post(b, '/token', service, { grant_type: 'client_credentials', resource: API });
      kid = decodeProtectedHeader(cc.body.access_token as string).kid;
      if (kid === next!.publicJwk!.kid) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(kid).to.equal(next!.publicJwk!.kid);
    expect(Date.now() - started).to.be.below(5000);

    const refreshed = await post(b, '/token', web, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
    });
    expect(refreshed.status).to.equal(200);
    expect(decodeProtectedHeader(refreshed.body.id_token as string).kid).to.equal(kid);
  });

  it('counts failed sign-ins across both instances', async () => {
    const config = await relyingParty(a.issuer, web);
    const attempt = async (server: TestServer, password: string) => {
      const browser = new Browser(a.issuer);
      const page = await browser.open((await authorizationRequest(config)).url);
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
      // The same interaction cookie works on either instance: post it to `server`.
      const response = await browser.fetch(new URL(`${page.url.pathname}/login`, server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, email: user.email, password }).toString(),
      });
      return response.status;
    };
    expect(await attempt(a, 'wrong-1')).to.equal(401);
    expect(await attempt(b, 'wrong-2')).to.equal(401);
    expect(await attempt(a, 'wrong-3')).to.equal(429);
    expect(await attempt(b, user.password), 'locked on B by failures on A and B').to.equal(429);
  });

  it('makes a token revoked on A inactive on B', async () => {
    const cc = await post(a, '/token', web, {
      grant_type: 'authorization_code',
      code: await codeFromAfterUnlock(),
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER,
    });
    const accessToken = cc.body.access_token as string;
    expect((await post(b, '/token/introspection', web, { token: accessToken })).body.active).to.equal(true);
    expect(
      (
        await fetch(`${a.url}/token/revocation`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(web) },
          body: new URLSearchParams({ token: accessToken }).toString(),
        })
      ).status,
    ).to.equal(200);
    expect((await post(b, '/token/introspection', web, { token: accessToken })).body).to.deep.equal({ active: false });
  });

  /** The previous test locked `user`; sign in as another one. */
  async function codeFromAfterUnlock(): Promise<string> {
    user = await addUser(a);
    return codeFromA();
  }
});
