/**
 * The floor of /validate: a bare Node HTTP server that does only what that path must do for a
 * JWT, with jose and the provider's published keys (fetched once): verify the signature, issuer,
 * audience and expiry, and answer 200 with the subject. No Koa, no middlewares, no revocation or
 * client checks. Started by scripts/bench.ts with ISSUER of the running provider.
 */
import { createServer } from 'node:http';

import { createLocalJWKSet, jwtVerify } from 'jose';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER!;
const audience = process.env.AUDIENCE!;
const jwks = createLocalJWKSet(await (await fetch(`${issuer}/jwks`)).json());

createServer(async (req, res) => {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  try {
    if (!token) throw new Error('no token');
    const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
    res.writeHead(200, { 'x-auth-subject': String(payload.sub), 'cache-control': 'no-store' }).end('{"active":true}');
  } catch {
    res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
  }
}).listen(port, '127.0.0.1', () => process.stdout.write('BARE_VALIDATE_READY\n'));
