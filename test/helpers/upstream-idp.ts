import { expect } from 'chai';
import type * as oidc from 'openid-client';

import { addGroup } from '../../provider/roles/manage-groups.ts';
import { auditModel } from '../../provider/security/audit-model.ts';
import type { IdpInput } from '../../provider/upstream/idp-settings.ts';
import { addIdp } from '../../provider/upstream/manage-idps.ts';
import { Browser, type Page } from './browser.ts';
import { addWebClient, type TestClient } from './fixtures.ts';
import { type AuthorizationRequest, authorizationRequest, redeem, relyingParty } from './relying-party.ts';
import type { TestServer } from './test-server.ts';
import { startUpstreamProvider, type UpstreamProvider } from './upstream-provider.ts';
import { useTestServer } from './use-test-server.ts';

/** The key upstream client secrets are sealed under (the admin CLI needs it too). */
export const KEK = Buffer.alloc(32, 18).toString('base64');
/** The key local second factors are sealed under (enrollTotp needs it). */
export const MFA_KEY = Buffer.alloc(32, 19).toString('base64');

/** An upstream's settings beyond the ones every test upstream shares (its issuer, client and name). */
export type IdpExtra = Partial<IdpInput>;

/** The upstream most files sign in through: it provisions and passes on its groups. */
export const CORP: IdpExtra = {
  provision: true,
  claims: { groups: 'groups' },
  scopes: ['openid', 'email', 'profile', 'groups'],
};

export interface UseUpstreamIdpsOptions {
  /** the upstreams registered at start, by id (each shown as "Corp <id>") */
  idps: Record<string, IdpExtra>;
  /** ids added later by the tests themselves: the upstream accepts their callbacks too */
  laterIds?: string[];
  /** local groups made before the upstreams (a group map names them) */
  groups?: string[];
}

export interface UpstreamHarness {
  server: TestServer;
  upstream: UpstreamProvider;
  client: TestClient;
  rp: oidc.Configuration;
  /** registers one more upstream `id`, pointing at the fake upstream unless `extra` says otherwise */
  addIdp(id: string, extra?: IdpExtra): Promise<unknown>;
  /** a browser that keeps cookies for our provider and the fake upstream */
  newBrowser(): Browser;
  /** From the app's authorization request to our sign-in screen, then "Continue with" the upstream. */
  toUpstreamLogin(
    browser: Browser,
    idp: string,
    params?: Record<string, string>,
  ): Promise<{ request: AuthorizationRequest; page: Page }>;
  /** Signs in at the upstream's own (development) login page as `sub`: back at our provider afterwards. */
  upstreamLogin(browser: Browser, page: Page, sub: string): Promise<Page>;
  /** Confirms consent if asked, then redeems the code the app got back. */
  tokensFor(request: AuthorizationRequest, page: Page): ReturnType<typeof redeem>;
  /** the audit records of one event */
  events(event: string): ReturnType<typeof findEvents>;
}

const findEvents = (server: TestServer, event: string) => auditModel(server.connection).find({ event }).lean();

/**
 * The preamble of the upstream identity provider tests: a server of its own on `localhost`, a
 * second OpenID Provider as the upstream, the file's upstreams and one web client with its
 * relying party, all made in `before`; both servers stopped in `after`, and the upstream's
 * tampering reset after each test. Read the fields inside tests only.
 *
 * @example const t = useUpstreamIdps('upstream-idps-logout', { idps: { logout: { upstreamLogout: true } } });
 */
export function useUpstreamIdps(label: string, options: UseUpstreamIdpsOptions): UpstreamHarness {
  const ids = [...Object.keys(options.idps), ...(options.laterIds ?? [])];
  const t = {} as UpstreamHarness;
  // Registered before useTestServer's hooks: the upstream closes first, then the server stops.
  after(async () => {
    await t.upstream?.close();
  });
  afterEach(() => {
    if (t.upstream) t.upstream.tamper = undefined;
  });
  useTestServer(label, {
    api: false,
    user: false,
    issuerHost: 'localhost',
    env: { KEY_ENCRYPTION_KEY: KEK, MFA_ENCRYPTION_KEY: MFA_KEY, UPSTREAM_TIMEOUT_MS: '1000' },
    setup: async (server) => {
      t.server = server;
      t.upstream = await startUpstreamProvider(
        ids.map((id) => `${server.issuer}/upstream/${id}/callback`),
        [`${server.issuer}/upstream/logged-out`],
      );
      for (const name of options.groups ?? []) await addGroup(server.connection, { name });
      for (const [id, extra] of Object.entries(options.idps)) await t.addIdp(id, extra);
      t.client = await addWebClient(server);
      t.rp = await relyingParty(server.issuer, t.client);
      return {};
    },
  });

  t.addIdp = (id, extra = {}) =>
    addIdp(t.server.connection, Buffer.from(KEK, 'base64'), {
      id,
      type: 'oidc',
      displayName: `Corp ${id}`,
      issuer: t.upstream.issuer,
      clientId: t.upstream.clientId,
      clientSecret: t.upstream.clientSecret,
      ...extra,
    });
  t.newBrowser = () => new Browser(t.server.issuer, [t.upstream.issuer]);
  t.toUpstreamLogin = async (browser, idp, params = {}) => {
    const request = await authorizationRequest(t.rp, params);
    const login = await browser.open(request.url);
    expect(login.html).to.include(`Continue with Corp ${idp}`);
    const page = await browser.submit(login, '/upstream/start', { idp });
    return { request, page };
  };
  t.upstreamLogin = (browser, page, sub) =>
    browser.submit(page, page.url.pathname, { login: sub, password: 'anything' });
  t.tokensFor = async (request, page) => {
    let done = page;
    if (!done.leftTo && done.html.includes('/confirm"'))
      done = await new Browser(t.server.issuer).submit(done, '/confirm');
    expect(done.leftTo, done.html.slice(0, 600)).to.not.equal(undefined);
    return redeem(t.rp, request, done.leftTo!);
  };
  t.events = (event) => findEvents(t.server, event);
  return t;
}
