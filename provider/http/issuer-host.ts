import type { Context, Next } from 'koa';

/**
 * Every request is taken as addressed to the issuer's host, whatever its Host (or, behind a
 * trusted proxy, X-Forwarded-Host) says. oidc-provider builds the URLs of discovery, of
 * registration responses and of its redirects from the request's host: a forged one would
 * advertise another server's endpoints, and a shared cache would hand that document to everyone.
 * Like Keycloak's fixed hostname: the configured name decides, not the caller. Requests for
 * other names (health probes by address, a gateway's subrequest) are still served.
 */
export function issuerHost(issuer: string) {
  const { host } = new URL(issuer);
  return async function issuerHost(ctx: Context, next: Next) {
    // Kept aside for /validate only: a gateway's subrequest names the host of the request it
    // asks about, which a DPoP proof is checked against (validate/original-request.ts).
    const forwarded = ctx.req.headers['x-forwarded-host'];
    if (typeof forwarded === 'string') ctx.state.forwardedHost = forwarded;
    ctx.req.headers.host = host;
    delete ctx.req.headers['x-forwarded-host'];
    return next();
  };
}
