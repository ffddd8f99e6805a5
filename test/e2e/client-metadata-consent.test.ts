import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';

import { documentNetwork, type DocumentNetwork } from '../helpers/document-network.ts';
import { API, addApi, addUser } from '../helpers/fixtures.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { accessibilityProblems, launchChromium, screenshot, watchConsole } from './chromium.ts';

const AGENT = 'https://agent.example/client.json';
const REDIRECT = 'http://127.0.0.1:4570/callback';

/** A client known only by its metadata document: the consent screen says where it comes from and goes. */
describe('consent for a metadata-document client in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;
  let network: DocumentNetwork;

  before(async function () {
    browser = await launchChromium(this);
    network = await documentNetwork(['agent.example']);
    network.serve('/client.json', {
      json: {
        client_id: AGENT,
        client_name: 'Research agent',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      },
    });
    server = await startTestServer(
      'e2e-cimd',
      { CLIENT_METADATA_DOCUMENTS: '1', REGISTRATION_RESOURCES: API },
      { outgoingFetch: network.fetch },
    );
    await addApi(server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    network?.close();
  });

  it('names the document host, warns it is unverified, and shows where the browser will go', async () => {
    const user = await addUser(server);
    const url = new URL('/auth', server.issuer);
    url.search = new URLSearchParams({
      client_id: AGENT,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'orders:read',
      resource: API,
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    const page = await (await browser.newContext()).newPage();
    const errors = watchConsole(page);
    await page.goto(url.href);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForSelector('#client-origin');
    await screenshot(page, 'consent-metadata-document');
    const notice = (await page.locator('#client-origin').textContent()) ?? '';
    expect(notice)
      .to.include('agent.example')
      .and.include('not verified')
      .and.include('127.0.0.1:4570')
      .and.include('your own computer');
    expect(await page.getByRole('button', { name: 'Allow' }).count()).to.equal(1);
    expect(await accessibilityProblems(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
