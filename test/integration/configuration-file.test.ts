import { MongoAdapter } from '../../adapters/mongodb.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { resourceServerModel } from '../../provider/resources/resource-server-model.ts';
import { runAdminWith } from '../helpers/admin-cli.ts';
import { testDatabaseUri } from '../helpers/database.ts';
import { basicAuth } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const KEK = Buffer.alloc(32, 37).toString('base64');
const SECRET = 'a-service-secret-from-the-environment';

const FILE = `
resources:
  - indicator: https://billing.example.test
    name: Billing API
    scopes: [invoices:read]
    scopeDescriptions: { "invoices:read": See your invoices }
clients:
  - id: billing-service
    type: service
    name: Billing service
    secret: { env: BILLING_SERVICE_SECRET }
    resources: [https://billing.example.test]
  - id: billing-web
    type: web
    secret: generated
    redirectUris: [http://localhost:4401/callback]
    resources: [https://billing.example.test]
users:
  - email: ops@example.test
    password: { env: OPS_PASSWORD }
`;

/** Platform teams keep clients and APIs in git: a file declares them, applied at start and by the CLI. */
describe('configuration file (MESHID_CONFIG and admin apply)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let file: string;

  before(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'meshid-config-')), 'meshid.yaml');
    writeFileSync(file, FILE);
    server = await startTestServer(
      'configuration-file',
      { MESHID_CONFIG: file, KEY_ENCRYPTION_KEY: KEK },
      { secretEnvironment: { BILLING_SERVICE_SECRET: SECRET, OPS_PASSWORD: 'a long operator passphrase' } },
    );
  });
  after(() => server.stop());

  const admin = (args: string[]) =>
    runAdminWith(
      {
        MONGODB_URI: testDatabaseUri(),
        MONGODB_DATABASE: server.connection.name,
        KEY_ENCRYPTION_KEY: KEK,
        BILLING_SERVICE_SECRET: SECRET,
        OPS_PASSWORD: 'a long operator passphrase',
      },
      args,
    );

  it('declares a working client at start-up: its secret from the environment gets a token', async () => {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth({ clientId: 'billing-service', clientSecret: SECRET }),
      },
      body: 'grant_type=client_credentials&scope=invoices:read',
    });
    expect(response.status).to.equal(200);
    expect(((await response.json()) as { scope: string }).scope).to.equal('invoices:read');
  });

  it('applies idempotently: a second apply changes nothing', async () => {
    const result = await admin(['apply', file, '--dry-run']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('would change: nothing');
  });

  it('wins over drift, shows the diff in a dry run, and leaves what it does not declare alone', async () => {
    await resourceServerModel(server.connection).updateOne(
      { _id: 'https://billing.example.test' },
      { $set: { name: 'Renamed by hand' } },
    );
    await admin([
      'clients',
      'add',
      '--type',
      'service',
      '--id',
      'hand-made',
      '--resource',
      'https://billing.example.test',
    ]);
    const dry = await admin(['apply', file, '--dry-run']);
    expect(dry.stdout).to.include('~ resource https://billing.example.test (name)').and.not.include('hand-made');
    expect(
      (await resourceServerModel(server.connection).findById('https://billing.example.test').lean())!.name,
    ).to.equal('Renamed by hand');

    const applied = await admin(['apply', file]);
    expect(applied.stdout).to.include('changed:');
    expect(
      (await resourceServerModel(server.connection).findById('https://billing.example.test').lean())!.name,
    ).to.equal('Billing API');

    const prune = await admin(['apply', file, '--prune', '--dry-run']);
    expect(prune.stdout).to.include('- client hand-made').and.not.include('meshid-account');
    await admin(['apply', file, '--prune']);
    expect((await admin(['clients', 'show', 'hand-made'])).code).to.equal(1);
  });

  it('refuses a client for an API that is neither declared nor stored, naming the known ones', async () => {
    const typo = join(mkdtempSync(join(tmpdir(), 'meshid-config-')), 'typo.yaml');
    writeFileSync(
      typo,
      'clients:\n  - id: typo-service\n    type: service\n    secret: generated\n    resources: [https://api.tpyo.example]\n',
    );
    const result = await admin(['apply', typo]);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('client typo-service: unknown API https://api.tpyo.example (known: ');
    expect(await new MongoAdapter(server.connection, 'Client').find('typo-service')).to.equal(undefined);
  });

  it('refuses a file with problems, naming file, line and column, with exit 2', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'meshid-config-')), 'bad.yaml');
    writeFileSync(bad, 'clients:\n  - id: x\n    type: service\n    secret: plain-text\n');
    const result = await admin(['apply', bad]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(`${bad}:4:13: a secret is never written in the file`);
  });
});
