import { expect } from 'chai';

import { formatSummary, runFuzz } from '../../scripts/fuzz/run-fuzz.ts';
import { API, CALLBACK, addApi, addWebClient } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

describe('fuzzer (short run; npm run fuzz does 10,000)', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    // Open registration too, with no hourly limit in the way: the metadata reaches the policy.
    server = await startTestServer('fuzz', {
      LOG_LEVEL: 'warn',
      REGISTRATION: 'open',
      REGISTRATION_RESOURCES: API,
      REGISTRATION_PER_HOUR: '100000',
    });
  });
  after(() => server.stop());

  it('answers 1,000 malformed requests on every endpoint without a single 5xx, and stays up', async () => {
    await addApi(server);
    const client = await addWebClient(server, {
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    const summary = await runFuzz(
      { baseUrl: server.issuer, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: CALLBACK },
      { count: 1000, seed: 42 },
    );
    expect(summary.requests).to.equal(1000);
    expect(summary.serverErrors, formatSummary(summary)).to.deep.equal([]);
    expect(summary.networkErrors).to.equal(0);
    expect(summary.aliveAtEnd).to.equal(true);
    // Nothing went wrong inside either, answered or not.
    expect(server.logs.filter((line) => JSON.parse(line).level >= 50).map((line) => line.slice(0, 300))).to.deep.equal(
      [],
    );
    // The run reached more than the router's 404s: protocol and screen answers both occur.
    expect(Object.keys(summary.byStatus)).to.include.members(['200', '400', '404']);
  });
});
