import { expect } from 'chai';

import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const TOKEN = 'a-metrics-scrape-token-of-32-chars-or-more';

/** Anyone on the internet reading the provider's internals from the public port. */
describe('attack: reading /metrics from the public port', () => {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((server) => server.stop())));
  const start = async (env: Record<string, string> = {}) => {
    const server = await startTestServer('attack-metrics', env);
    servers.push(server);
    return server;
  };

  it('is not served on the public port by default', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(404);
  });

  it('with METRICS_TOKEN it answers only a scraper that presents the token', async () => {
    const server = await start({ METRICS_TOKEN: TOKEN });
    const anonymous = await fetch(`${server.url}/metrics`);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get('www-authenticate')).to.match(/^Bearer/);
    expect(
      (
        await fetch(`${server.url}/metrics`, {
          headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-token' },
        })
      ).status,
    ).to.equal(401);
    const scraper = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraper.status).to.equal(200);
    expect(await scraper.text()).to.include('meshid_http_requests_total');
  });

  it('METRICS_PORT listens on 127.0.0.1 unless METRICS_HOST says otherwise', async () => {
    const server = await start({ METRICS_PORT: '0', HOST: '0.0.0.0' });
    expect(new URL(server.metricsUrl!).hostname).to.equal('127.0.0.1');
    expect((await fetch(server.metricsUrl!)).status).to.equal(200);
  });
});
