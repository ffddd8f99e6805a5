/**
 * The floors of /validate and of JWT introspection: a bare Node HTTP server that does only what
 * each path must do for a JWT, with jose and the provider's published keys (fetched once).
 * GET /validate: verify the signature, issuer, audience and expiry, answer 200 with the subject.
 * POST /introspect: authenticate the caller (client_secret_basic against CLIENT_ID and
 * CLIENT_SECRET), read the form body, verify the token the same way and answer its claims.
 * No Koa, no middlewares, no revocation or client checks. Started by scripts/bench.ts with ISSUER
 * of the running provider.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

import { createLocalJWKSet, jwtVerify } from 'jose';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER!;
const audience = process.env.AUDIENCE!;
const expectedAuthorization = Buffer.from(
  `Basic ${Buffer.from(`${process.env.CLIENT_ID}:${process.env.CLIENT_SECRET}`).toString('base64')}`,
);
const jwks = createLocalJWKSet(await (await fetch(`${issuer}/jwks`)).json());

function authenticated(req: IncomingMessage): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  return given.length === expectedAuthorization.length && timingSafeEqual(given, expectedAuthorization);
}

async function formToken(req: IncomingMessage): Promise<string | null> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body).get('token');
}

createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/introspect') {
      if (!authenticated(req)) return void res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
      const token = await formToken(req);
      const claims = await jwtVerify(token ?? '', jwks, { issuer, typ: 'at+jwt' }).then(
        ({ payload }) => ({ ...payload, active: true }),
        () => ({ active: false }),
      );
      return void res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(claims));
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new Error('no token');
    const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
    res.writeHead(200, { 'x-auth-subject': String(payload.sub), 'cache-control': 'no-store' }).end('{"active":true}');
  } catch {
    res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
  }
}).listen(port, '127.0.0.1', () => process.stdout.write('BARE_VALIDATE_READY\n'));
