import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';

import { Browser } from '../helpers/browser.ts';
import { runAdmin } from '../helpers/admin-cli.ts';
import { CALLBACK, basicAuth } from '../helpers/fixtures.ts';
import { authorizationRequest, redeem, relyingParty, signIn } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 4).toString('base64');

describe('admin CLI (npm run admin)', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer('admin-cli', { KEY_ENCRYPTION_KEY: KEK, CLIENT_CACHE_TTL: '0' });
  });
  after(() => server.stop());

  const admin = (args: string[], stdin = '') => runAdmin(server, KEK, args, stdin);

  const json = async (args: string[], stdin?: string) => {
    const result = await admin([...args, '--json'], stdin);
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout);
  };

  it('refuses clients add --resource for an API that does not exist, naming the known ones', async () => {
    const typo = await admin(['clients', 'add', '--type', 'service', '--resource', 'https://api.tpyo.example']);
    expect(typo.code).to.not.equal(0);
    expect(typo.stderr).to.include('unknown API https://api.tpyo.example (known: ');
  });

  it('adds an API, a service client and a web client that work against the running provider', async () => {
    expect(
      (
        await admin([
          'resources',
          'add',
          'https://cli-api.test.example',
          '--name',
          'CLI API',
          '--scope',
          'a:read',
          'a:write',
        ])
      ).code,
    ).to.equal(0);
    const service = await json([
      'clients',
      'add',
      '--type',
      'service',
      '--id',
      'cli-service',
      '--resource',
      'https://cli-api.test.example',
    ]);
    expect(service.client_secret).to.be.a('string');
    const token = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth({ clientId: 'cli-service', clientSecret: service.client_secret }),
      },
      body: 'grant_type=client_credentials&scope=a:read',
    });
    expect((await token.json()).scope).to.equal('a:read');

    const web = await json([
      'clients',
      'add',
      '--type',
      'web',
      '--id',
      'cli-web',
      '--name',
      'CLI Web',
      '--redirect-uri',
      CALLBACK,
    ]);
    const shown = await json(['clients', 'show', 'cli-web']);
    expect(shown).to.include({ client_id: 'cli-web', client_name: 'CLI Web' });
    expect(shown).not.to.have.property('client_secret');
    expect((await json(['clients', 'list'])).map((c: { client_id: string }) => c.client_id)).to.include.members([
      'cli-service',
      'cli-web',
    ]);

    const rotated = await json(['clients', 'rotate-secret', 'cli-web']);
    expect(rotated.client_secret).not.to.equal(web.client_secret);
  });

  it('adds a user with the password from standard input, disables and re-enables them', async () => {
    const added = await json(
      ['users', 'add', '--email', 'Cli.User@Example.test', '--name', 'CLI User'],
      'a long cli password\n',
    );
    expect(added.email).to.equal('cli.user@example.test');
    const client = {
      clientId: 'cli-web',
      clientSecret: (await json(['clients', 'rotate-secret', 'cli-web'])).client_secret,
    };
    const config = await relyingParty(server.issuer, client);
    const user = { id: added.id, email: 'cli.user@example.test', password: 'a long cli password' };
    const request = await authorizationRequest(config);
    expect(
      (await redeem(config, request, await signIn(new Browser(server.issuer), request, user))).claims()!.sub,
    ).to.equal(added.id);

    expect((await admin(['users', 'disable', 'cli.user@example.test'])).code).to.equal(0);
    const refused = await signIn(new Browser(server.issuer), await authorizationRequest(config), user).then(
      () => 'signed in',
      () => 'refused',
    );
    expect(refused).to.equal('refused');
    expect((await admin(['users', 'enable', 'cli.user@example.test'])).code).to.equal(0);
  });

  it('refuses a common password and a duplicate user with a message and a non-zero exit', async () => {
    const common = await admin(['users', 'add', '--email', 'weak@example.test'], 'password123\n');
    expect(common.code).to.equal(1);
    expect(common.stderr).to.include('too common');
    await json(['users', 'add', '--email', 'twice@example.test'], 'another long password\n');
    const twice = await admin(['users', 'add', '--email', 'twice@example.test'], 'another long password\n');
    expect(twice.code).to.equal(1);
    expect(twice.stderr).to.include('already exists');
  });

  it('resets a password and signs the user out everywhere', async () => {
    await json(['users', 'add', '--email', 'reset@example.test'], 'first long password\n');
    const client = {
      clientId: 'cli-web',
      clientSecret: (await json(['clients', 'rotate-secret', 'cli-web'])).client_secret,
    };
    const config = await relyingParty(server.issuer, client);
    const request = await authorizationRequest(config);
    const tokens = await redeem(
      config,
      request,
      await signIn(new Browser(server.issuer), request, {
        id: '',
        email: 'reset@example.test',
        password: 'first long password',
      }),
    );
    expect((await admin(['users', 'reset-password', 'reset@example.test'], 'second long password\n')).code).to.equal(0);
    const refresh = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }).toString(),
    });
    expect((await refresh.json()).error, 'refresh tokens die with a password change').to.equal('invalid_grant');
  });

  it('lists keys by state and rotates them; the running provider picks the rotation up', async () => {
    const before = await json(['keys', 'list']);
    expect(before.filter((k: { state: string }) => k.state === 'current')).to.have.length(3);
    const next = before.find((k: { alg: string; state: string }) => k.alg === 'ES256' && k.state === 'next').kid;
    const rotated = await admin(['keys', 'rotate']);
    expect(rotated.code, rotated.stderr).to.equal(0);
    await server.reloadKeys();
    const service = await json(['clients', 'rotate-secret', 'cli-service']);
    const token = await (
      await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth({ clientId: 'cli-service', clientSecret: service.client_secret }),
        },
        body: 'grant_type=client_credentials',
      })
    ).json();
    expect(decodeProtectedHeader(token.access_token).kid).to.equal(next);
    const after = await json(['keys', 'list']);
    expect(after.filter((k: { state: string }) => k.state === 'retired').length).to.be.greaterThan(0);
    expect(JSON.stringify(after)).not.to.include('"d"');
  });

  it('tails and verifies the audit log, which records the admin actions', async () => {
    const tail = await json(['audit', 'tail', '-n', '50']);
    expect(tail.map((r: { event: string }) => r.event)).to.include.members([
      'admin.client.added',
      'admin.user.added',
      'admin.keys.rotated',
    ]);
    const verify = await admin(['audit', 'verify']);
    expect(verify.code).to.equal(0);
    expect(verify.stdout).to.include('audit chain intact');
  });

  it('answers bad input with a clear message, a non-zero exit and help', async () => {
    const unknownClient = await admin(['clients', 'show', 'nope']);
    expect(unknownClient.code).to.equal(1);
    expect(unknownClient.stderr).to.include('no client nope');
    const badType = await admin(['clients', 'add', '--type', 'robot']);
    expect(badType.code).to.equal(1);
    expect(badType.stderr).to.include('--type must be one of');
    const badRedirect = await admin(['clients', 'add', '--type', 'web', '--redirect-uri', 'http://evil.example/cb']);
    expect(badRedirect.code).to.equal(1);
    expect(badRedirect.stderr).to.include('non-loopback');
    const unknownCommand = await admin(['frobnicate']);
    expect(unknownCommand.code).to.equal(1);
    const help = await admin(['users', 'add', '--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('--email');
  });
});
