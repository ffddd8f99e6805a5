import { expect } from 'chai';
import * as oidc from 'openid-client';

import { Browser } from '../helpers/browser.ts';
import { API, addApi, addServiceClient, addUser, addWebClient } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty } from '../helpers/relying-party.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

describe('Prometheus metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('metrics', { METRICS_PORT: '0' });
  });
  after(() => server.stop());

  it('counts requests, tokens by grant type, security events, database latency and key age', async () => {
    await addApi(server);
    const service = await addServiceClient(server);
    await oidc.clientCredentialsGrant(await relyingParty(server.issuer, service), { resource: API });
    const client = await addWebClient(server);
    const user = await addUser(server);
    const browser = new Browser(server.issuer);
    const page = await browser.open((await authorizationRequest(await relyingParty(server.issuer, client))).url);
    await browser.submit(page, '/login', { email: user.email, password: 'wrong password' });

    const response = await fetch(server.metricsUrl!);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.include('text/plain');
    const text = await response.text();
    expect(
      sample(text, 'meshid_http_requests_total', { route: 'token', method: 'POST', status: '200' }),
    ).to.be.at.least(1);
    expect(
      sample(text, 'meshid_http_requests_total', { route: '/interaction/:uid/login', method: 'POST', status: '401' }),
    ).to.equal(1);
    expect(
      sample(text, 'meshid_http_request_duration_seconds_count', { route: 'token', method: 'POST' }),
    ).to.be.at.least(1);
    expect(sample(text, 'meshid_tokens_issued_total', { grant_type: 'client_credentials' })).to.equal(1);
    expect(sample(text, 'meshid_security_events_total', { event: 'login.failure', outcome: 'failure' })).to.equal(1);
    expect(
      sample(text, 'meshid_db_operation_duration_seconds_count', { command: 'find', outcome: 'ok' }),
    ).to.be.greaterThan(0);
    expect(sample(text, 'meshid_signing_key_age_seconds', { alg: 'ES256' }))
      .to.be.a('number')
      .and.at.least(0);
    expect(text).to.include('meshid_process_resident_memory_bytes');
  });
});

describe('Prometheus metrics on a separate port', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('metrics-port', { METRICS_PORT: '0' });
  });
  after(() => server.stop());

  it('serves /metrics only on METRICS_PORT', async () => {
    expect(server.metricsUrl).not.to.include(server.url);
    expect((await fetch(server.metricsUrl!)).status).to.equal(200);
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(404);
  });
});
