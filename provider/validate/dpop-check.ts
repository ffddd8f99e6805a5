import { decodeJwt, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import type { Provider } from 'oidc-provider';

import { proofRememberedUntil } from './proof-memory.ts';

type DpopVerdict = 'ok' | 'invalid' | 'replayed';

export type CheckDpop = (input: {
  token: string;
  proof: string;
  method: string;
  url: string;
  audience: string;
}) => Promise<DpopVerdict>;

/**
 * Checks a DPoP-bound JWT access token with the proof a gateway forwards (RFC 9449 7), with
 * panva's oauth4webapi (validateJwtAccessToken with requireDPoP): the token's signature, issuer,
 * audience and type, and the proof's signature, type, method, URL, freshness, `ath` and that its
 * key is the one in `cnf.jkt`. oauth4webapi leaves replay to the caller: each proof's `jti` is
 * recorded for its key in oidc-provider's replay store (MongoDB, shared by every instance).
 */
export function dpopChecker(live: {
  readonly provider: Provider;
  readonly keys: { readonly published: JWK[] };
}): CheckDpop {
  let server: { as: oauth.AuthorizationServer; keys: JWK[] } | undefined;

  function authorizationServer(): oauth.AuthorizationServer {
    const keys = live.keys.published;
    // A new object when keys rotate: oauth4webapi caches the key set per object.
    if (server?.keys !== keys) {
      const { issuer } = live.provider;
      server = { as: { issuer, jwks_uri: `${issuer}/jwks` }, keys };
    }
    return server.as;
  }

  return async function checkDpop({ token, proof, method, url, audience }) {
    const request = new Request(url, { method, headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const as = authorizationServer();
    const keys = live.keys.published;
    try {
      await oauth.validateJwtAccessToken(as, request, audience, {
        requireDPoP: true,
        // Our own keys, from memory: no HTTP request to ourselves.
        [oauth.customFetch]: async () => Response.json({ keys }),
        [oauth.allowInsecureRequests]: as.issuer.startsWith('http:'),
      });
    } catch {
      return 'invalid';
    }
    const { jti, iat } = decodeJwt(proof);
    const { jkt } = decodeJwt(token).cnf as { jkt: string };
    const unique = await live.provider.ReplayDetection.unique(
      `dpop:${jkt}`,
      String(jti),
      proofRememberedUntil(Number(iat), Math.floor(Date.now() / 1000)),
    );
    return unique ? 'ok' : 'replayed';
  };
}
