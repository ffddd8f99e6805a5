import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import * as oidc from 'openid-client';

import { keyModel } from '../../provider/keys/key-model.ts';
import { loadKeys } from '../../provider/keys/key-store.ts';
import { rotateKeys } from '../../provider/keys/rotate-keys.ts';
import { Browser } from '../helpers/browser.ts';
import { API, addServiceClient, addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

const KEK = Buffer.alloc(32, 5);

describe('signing and cookie keys: sealed at rest, rotation without restart', () => {
  const t = useTestServer('keys', {
    env: { KEY_ENCRYPTION_KEY: KEK.toString('base64') },
    user: false,
    setup: async (server) => ({ service: await addServiceClient(server) }),
  });

  const jwks = async () => (await (await fetch(`${t.server.issuer}/jwks`)).json()) as { keys: JWK[] };
  const serviceToken = async () =>
    (await oidc.clientCredentialsGrant(await relyingParty(t.server.issuer, t.service), { resource: API })).access_token;
  const rotate = async () => {
    expect((await rotateKeys(t.server.connection, KEK, 86400)).rotated).to.equal(true);
    await t.server.reloadKeys();
  };

  it('stores private keys only sealed (JWE under KEY_ENCRYPTION_KEY)', async () => {
    const raw = await t.server.connection.db!.collection('keys').find({}).toArray();
    expect(raw.length).to.equal(5); // ES256 and RS256, each current + next; one cookie key
    const opened = await loadKeys(t.server.connection, KEK, 86400);
    const dump = JSON.stringify(raw);
    for (const jwk of opened.signing) expect(dump).not.to.include(jwk.d!);
    for (const secret of opened.cookie) expect(dump).not.to.include(secret);
    for (const doc of raw)
      expect(decodeProtectedHeader(doc.sealed as string)).to.include({ alg: 'dir', enc: 'A256GCM', sub: doc._id });
  });

  it('publishes the key that will sign next before it signs', async () => {
    const published = (await jwks()).keys;
    const next = await keyModel(t.server.connection).findOne({ kind: 'signing', alg: 'ES256', state: 'next' }).lean();
    expect(published.map((k) => k.kid)).to.include(next!.publicJwk!.kid);
    expect(published.every((k) => k.d === undefined)).to.equal(true);
    expect(decodeProtectedHeader(await serviceToken()).kid).not.to.equal(next!.publicJwk!.kid);

    await rotate();
    expect(decodeProtectedHeader(await serviceToken()).kid, 'the former next key signs now').to.equal(
      next!.publicJwk!.kid,
    );
  });

  it('keeps tokens signed before a rotation verifying through JWKS', async () => {
    const before = await serviceToken();
    await rotate();
    const after = await serviceToken();
    expect(decodeProtectedHeader(after).kid).not.to.equal(decodeProtectedHeader(before).kid);
    // A relying party that fetched JWKS only after the rotation still verifies the old token.
    const set = createLocalJWKSet(await jwks());
    await jwtVerify(before, set, { issuer: t.server.issuer, audience: API });
    await jwtVerify(after, set, { issuer: t.server.issuer, audience: API });
    const introspection = await oidc.tokenIntrospection(await relyingParty(t.server.issuer, t.service), before);
    expect(introspection.active).to.equal(true);
  });

  it('keeps SSO sessions and open sign-in forms working across a cookie key rotation', async () => {
    const client = await addWebClient(t.server);
    const user = await addUser(t.server);
    const config = await relyingParty(t.server.issuer, client);
    const browser = new Browser(t.server.issuer);
    const first = await authorizationRequest(config);
    await redeem(config, first, await signIn(browser, first, user));
    const other = new Browser(t.server.issuer);
    const openForm = await other.open((await authorizationRequest(config)).url);

    await rotate();
    const silent = await authorizationRequest(config, { prompt: 'none' });
    const page = await browser.open(silent.url);
    expect(page.leftTo!.searchParams.get('code'), 'session cookie signed by the old key').to.be.a('string');
    const submitted = await other.submit(openForm, '/login', { email: user.email, password: user.password });
    expect(submitted.status, 'form rendered before the rotation').not.to.equal(403);
  });

  it('keeps the sign-in device cookie persistent across a cookie key rotation (no new-device notice later)', async () => {
    const client = await addWebClient(t.server);
    const user = await addUser(t.server);
    const config = await relyingParty(t.server.issuer, client);
    const laptop = new Browser(t.server.issuer);
    const first = await authorizationRequest(config);
    await redeem(config, first, await signIn(laptop, first, user));
    await rotate();
    const again = await authorizationRequest(config, { prompt: 'login' });
    await redeem(config, again, await signIn(laptop, again, user));
    // Re-signed under the new key, the signature must stay a lasting cookie: a session cookie
    // would be lost when the browser closes, and the next sign-in would look like a new device.
    const cookies = await laptop.jar.getCookies(t.server.issuer);
    const signature = cookies.find((cookie) => cookie.key === 'meshid_device.sig');
    expect(signature, 'device cookie signature').not.to.equal(undefined);
    expect(signature!.expires, 'a lasting cookie').to.be.instanceOf(Date);
  });

  it('deletes retired keys once every token they signed has expired', async () => {
    await keyModel(t.server.connection).updateMany(
      { state: 'retired' },
      { $set: { retiredAt: new Date(Date.now() - 2 * 86400_000) } },
    );
    const retired = await keyModel(t.server.connection).countDocuments({ state: 'retired' });
    expect(retired).to.be.greaterThan(0);
    await rotate();
    const left = await keyModel(t.server.connection).find({ state: 'retired' }).lean();
    expect(left.every((key) => key.retiredAt!.getTime() > Date.now() - 60_000)).to.equal(true);
    expect((await jwks()).keys).to.have.length(6); // per algorithm: current, next, and the one just retired
  });

  it('refuses to start with a key-encryption key that does not open the stored keys', async () => {
    const refused = await startTestServer('keys-wrong-kek', {
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 6).toString('base64'),
      MONGODB_DATABASE: t.server.connection.name,
    }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refused?.message).to.include('KEY_ENCRYPTION_KEY does not open the stored key');
  });
});
