import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';

import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../provider/oidc/grants/token-exchange/token-types.ts';
import { API, addApi, addServiceClient, addWebClient, basicAuth, type TestClient } from '../helpers/fixtures.ts';
import { relyingParty, signInWithCode } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

const ORDERS = 'https://orders-internal.attack.example';
const OTHER_API = 'https://billing.attack.example';

/** Attacks on token exchange by a client allowed to exchange: forging who acts, taking any token. */
describe("attack: token exchange with someone else's actor token or a subject token it should not take", () => {
  const t = useTestServer('attack-exchange', {
    setup: async (server) => {
      await addApi(server, ORDERS, ['orders:read']);
      await addApi(server, OTHER_API, ['orders:read']);
      return {
        web: await addWebClient(server, { allowed_resources: [API, OTHER_API] }),
        exchanger: await addServiceClient(server, {
          grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
          token_exchange: { resources: [ORDERS], subject_audiences: [API], actor: true },
        }),
        victimService: await addServiceClient(server, { allowed_resources: [API] }),
      };
    },
  });

  async function userToken(
    params: Record<string, string> = { scope: 'openid orders:read', resource: API },
  ): Promise<string> {
    return (await signInWithCode(t.server.issuer, t.web, t.user, params)).tokens.access_token;
  }

  async function serviceToken(client: TestClient): Promise<string> {
    return (
      await oidc.clientCredentialsGrant(await relyingParty(t.server.issuer, client), {
        resource: API,
        scope: 'orders:read',
      })
    ).access_token;
  }

  async function exchange(client: TestClient, params: Record<string, string>) {
    const response = await fetch(`${t.server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token_type: ACCESS_TOKEN_TYPE,
        resource: ORDERS,
        ...params,
      }).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('an actor token issued to another client cannot name that client as the actor', async () => {
    const { status, body } = await exchange(t.exchanger, {
      subject_token: await userToken(),
      actor_token: await serviceToken(t.victimService),
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(status).to.equal(400);
    expect(body.error).to.equal('invalid_request');
    expect(body.error_description).to.include('issued to the requesting client');
  });

  it('the subject token cannot be its own actor token', async () => {
    const subject = await userToken();
    const { status, body } = await exchange(t.exchanger, {
      subject_token: subject,
      actor_token: subject,
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(status).to.equal(400);
    expect(body.error).to.equal('invalid_request');
  });

  it('may_act is checked against the authenticated caller, not a borrowed actor token', async () => {
    const guarded = await addWebClient(t.server, {
      allowed_resources: [API],
      may_act: { client_id: t.victimService.clientId },
    });
    const subject = (
      await signInWithCode(t.server.issuer, guarded, t.user, { scope: 'openid orders:read', resource: API })
    ).tokens.access_token;
    const { status, body } = await exchange(t.exchanger, {
      subject_token: subject,
      actor_token: await serviceToken(t.victimService),
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(status).to.equal(400);
    expect(body.error).to.equal('invalid_request');
  });

  it('a subject token for an audience outside token_exchange.subject_audiences is refused', async () => {
    const { status, body } = await exchange(t.exchanger, {
      subject_token: await userToken({ scope: 'openid orders:read', resource: OTHER_API }),
    });
    expect(status).to.equal(400);
    expect(body.error).to.equal('invalid_request');
    expect(body.error_description).to.include('token_exchange.subject_audiences');
  });

  it('an exchanger without token_exchange.subject_audiences accepts no subject token (secure by default)', async () => {
    const unlisted = await addServiceClient(t.server, {
      grant_types: [TOKEN_EXCHANGE_GRANT],
      token_exchange: { resources: [ORDERS] },
    });
    const { status, body } = await exchange(unlisted, { subject_token: await userToken() });
    expect(status).to.equal(400);
    expect(body.error).to.equal('invalid_request');
    expect(body.error_description).to.include('token_exchange.subject_audiences');
  });

  it('token_exchange.subject_clients limits whose tokens are taken', async () => {
    const picky = await addServiceClient(t.server, {
      grant_types: [TOKEN_EXCHANGE_GRANT],
      token_exchange: { resources: [ORDERS], subject_audiences: [API], subject_clients: [t.victimService.clientId] },
    });
    const refused = await exchange(picky, { subject_token: await userToken() });
    expect(refused.status).to.equal(400);
    expect(refused.body.error_description).to.include('token_exchange.subject_clients');
    const allowed = await exchange(picky, { subject_token: await serviceToken(t.victimService) });
    expect(allowed.status, JSON.stringify(allowed.body)).to.equal(200);
  });

  it("delegation with the caller's own client-credentials token still works and names the caller", async () => {
    const own = (await oidc.clientCredentialsGrant(await relyingParty(t.server.issuer, t.exchanger))).access_token;
    const { status, body } = await exchange(t.exchanger, {
      subject_token: await userToken(),
      actor_token: own,
      actor_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(status).to.equal(200);
    expect(decodeJwt(body.access_token as string).act).to.deep.equal({
      sub: t.exchanger.clientId,
      client_id: t.exchanger.clientId,
    });
  });
});
