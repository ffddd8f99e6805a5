import { expect } from 'chai';

import { Browser } from '../helpers/browser.ts';
import { API, CALLBACK, addUser, addWebClient, basicAuth } from '../helpers/fixtures.ts';
import { authorizationRequest, relyingParty, signIn } from '../helpers/relying-party.ts';
import { useTestServer } from '../helpers/use-test-server.ts';

/** Replays raced against the first use: concurrent redemptions of one code or one refresh token. */
describe('attack: redeeming one authorization code or refresh token twice at the same moment', () => {
  const t = useTestServer('attack-replay', {
    user: false,
    setup: async (server) => ({ client: await addWebClient(server) }),
  });

  async function token(params: Record<string, string>) {
    const response = await fetch(`${t.server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(t.client) },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  async function freshCode(): Promise<{ code: string; verifier: string }> {
    const user = await addUser(t.server);
    const config = await relyingParty(t.server.issuer, t.client);
    const request = await authorizationRequest(config, {
      scope: 'openid offline_access orders:read',
      resource: API,
      prompt: 'consent',
    });
    const callback = await signIn(new Browser(t.server.issuer), request, user);
    return { code: callback.searchParams.get('code')!, verifier: request.verifier };
  }

  const redeem = ({ code, verifier }: { code: string; verifier: string }) =>
    token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK });

  it('of five concurrent redemptions of one code at most one wins, and the race revokes what it issued', async () => {
    for (let round = 0; round < 3; round += 1) {
      const code = await freshCode();
      const answers = await Promise.all(Array.from({ length: 5 }, () => redeem(code)));
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners.length, JSON.stringify(answers.map((a) => a.status))).to.be.at.most(1);
      for (const loser of answers.filter((answer) => answer.status !== 200))
        expect(loser.body.error).to.equal('invalid_grant');
      for (const winner of winners) {
        const refreshed = await token({ grant_type: 'refresh_token', refresh_token: winner.body.refresh_token! });
        expect(refreshed.status, 'the grant of a raced code is revoked').to.equal(400);
      }
    }
  });

  it('of five concurrent uses of one refresh token at most one wins, and the race revokes the grant', async () => {
    const first = await redeem(await freshCode());
    expect(first.status).to.equal(200);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token! })),
    );
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners.length, JSON.stringify(answers.map((a) => a.status))).to.be.at.most(1);
    for (const winner of winners) {
      const next = await token({ grant_type: 'refresh_token', refresh_token: winner.body.refresh_token! });
      expect(next.status, 'the grant of a raced refresh token is revoked').to.equal(400);
    }
  });
});
