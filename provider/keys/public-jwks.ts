import { createPublicKey } from 'node:crypto';

import type { JWK } from 'jose';

/** The public half of each private JWK, with its kid/alg/use kept. */
export function publicJwks(privateJwks: JWK[]): { keys: JWK[] } {
  return {
    keys: privateJwks.map((jwk) => ({
      ...createPublicKey({ key: jwk as never, format: 'jwk' }).export({ format: 'jwk' }),
      kid: jwk.kid,
      alg: jwk.alg,
      use: jwk.use,
    }) as JWK),
  };
}
