import type { Context, Next } from 'koa';

import type { ResolveToken } from '../tokens/live-tokens.ts';
import type { TokenFacts } from '../tokens/token-facts.ts';
import type { CheckDpop } from './dpop-check.ts';
import { originalRequest } from './original-request.ts';

const HEADER_SAFE = /^[\x20-\x7e]*$/;

interface Realm {
  realm: string;
  /** RFC 9728: where an MCP server behind this gateway publishes its protected-resource metadata */
  resourceMetadata?: string;
}

function challenge({ realm, resourceMetadata }: Realm, error?: string, description?: string, scope?: string): string {
  const parts = [`realm="${realm}"`];
  if (resourceMetadata) parts.push(`resource_metadata="${resourceMetadata}"`);
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

/** `?resource_metadata=` when it is an absolute http(s) URL safe in a header; else none. */
function resourceMetadataOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !HEADER_SAFE.test(value) || value.includes('"')) return undefined;
  const url = URL.parse(value);
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.href : undefined;
}

/** The token and its scheme: Bearer (RFC 6750) or DPoP (RFC 9449); the scheme name is case-insensitive. */
function presented(ctx: Context): { scheme: 'bearer' | 'dpop'; token: string } | undefined {
  const match = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i.exec(ctx.get('authorization'));
  return match ? { scheme: match[1]!.toLowerCase() as 'bearer' | 'dpop', token: match[2]! } : undefined;
}

/** RFC 9449 7.1: the challenge for a DPoP-bound token, with the proof algorithms we accept. */
function dpopChallenge(error: string, description: string): string {
  return `DPoP algs="ES256 PS256 RS256 EdDSA", error="${error}", error_description="${description}"`;
}

function wanted(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((v) => String(v).split(' ')).filter(Boolean);
}

/**
 * GET /validate — for gateways (nginx auth_request, Traefik ForwardAuth): 200 with the token's
 * facts in X-Auth-* headers, 401 with an RFC 6750 challenge for a missing or bad token, 403
 * insufficient_scope when `scope` (all of them), `audience` (any of them) or `role` (any of them) are not met.
 * An audience is required, from the query or else VALIDATE_DEFAULT_AUDIENCE: a gateway that
 * names none would let every token of the provider through, those of other APIs included.
 * With `resource_metadata`, every challenge names the protected resource's RFC 9728 metadata.
 */
export function validateRoute(
  realm: string,
  defaultAudiences: string[],
  resolveToken: ResolveToken,
  checkDpop: CheckDpop,
) {
  return async function validateRoute(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/validate') return next();
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = { error: 'invalid_request', error_description: 'use GET' };
      return;
    }
    const header = ctx.get('authorization');
    const credentials = presented(ctx);
    const token = credentials?.token;
    // Gateways in front of MCP servers add ?resource_metadata=: clients start from the challenge.
    const here: Realm = { realm, resourceMetadata: resourceMetadataOf(ctx.query.resource_metadata) };
    if (!token) {
      ctx.status = 401;
      // RFC 6750 3.1: a request with no credentials at all gets a challenge without an error code.
      ctx.set(
        'WWW-Authenticate',
        header ? challenge(here, 'invalid_token', 'malformed Authorization header') : challenge(here),
      );
      ctx.body = { active: false, error: header ? 'invalid_token' : 'missing_token' };
      return;
    }
    const queried = wanted(ctx.query.audience);
    const audiences = queried.length > 0 ? queried : defaultAudiences;
    if (audiences.length === 0) {
      ctx.status = 401;
      const description = 'an audience is required: add ?audience= to the gateway URL or set VALIDATE_DEFAULT_AUDIENCE';
      ctx.set('WWW-Authenticate', challenge(here, 'invalid_request', description));
      ctx.body = { active: false, error: 'invalid_request', error_description: description };
      return;
    }
    const info = await resolveToken(token);
    if (!info) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', challenge(here, 'invalid_token', 'the access token is invalid, expired or revoked'));
      ctx.body = { active: false, error: 'invalid_token' };
      return;
    }
    const binding = await checkBinding(checkDpop, ctx, credentials!, info, audiences);
    if (binding) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', binding.challenge);
      ctx.body = { active: false, error: binding.error, error_description: binding.description };
      return;
    }
    const scopes = wanted(ctx.query.scope);
    const missing = scopes.filter((s) => !info.scopes.includes(s));
    const audienceOk = audiences.some((a) => info.audience.includes(a));
    // ?role=a&role=b: the token must carry at least one of them (its roles at its own API).
    const roles = wanted(ctx.query.role);
    const roleOk = roles.length === 0 || roles.some((role) => info.roles?.includes(role));
    if (audienceOk && missing.length === 0 && !roleOk) {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', challenge(here, 'insufficient_scope', 'a required role is missing'));
      ctx.body = { active: true, error: 'insufficient_scope', missing_roles: roles, audience_ok: true };
      return;
    }
    if (missing.length > 0 || !audienceOk) {
      ctx.status = 403;
      const required = scopes.join(' ');
      ctx.set(
        'WWW-Authenticate',
        challenge(
          here,
          'insufficient_scope',
          audienceOk ? 'a required scope is missing' : 'the token is for another audience',
          HEADER_SAFE.test(required) ? required : undefined,
        ),
      );
      ctx.body = { active: true, error: 'insufficient_scope', missing_scopes: missing, audience_ok: audienceOk };
      return;
    }
    for (const [name, value] of [
      ['X-Auth-Subject', info.sub],
      ['X-Auth-Scope', info.scopes.join(' ')],
      ['X-Auth-Client', info.clientId],
      ['X-Auth-Audience', info.audience.join(' ')],
      ['X-Auth-Roles', (info.roles ?? []).join(' ')],
    ] as const) {
      if (HEADER_SAFE.test(value)) ctx.set(name, value);
    }
    ctx.body = {
      active: true,
      sub: info.sub,
      client_id: info.clientId,
      scope: info.scopes.join(' '),
      aud: info.audience,
      exp: info.exp,
      roles: info.roles ?? [],
    };
  };
}

/**
 * A DPoP-bound token (cnf.jkt) is good only with the scheme DPoP and a proof of its key for the
 * request the gateway forwards (method and URL, see original-request.ts), used once; a token
 * without a binding is not accepted under the DPoP scheme (RFC 9449 7.1, 7.2). Undefined: fine.
 */
async function checkBinding(
  checkDpop: CheckDpop,
  ctx: Context,
  credentials: { scheme: 'bearer' | 'dpop'; token: string },
  info: TokenFacts,
  audiences: string[],
): Promise<{ error: string; description: string; challenge: string } | undefined> {
  const refuse = (error: string, description: string) => ({
    error,
    description,
    challenge: dpopChallenge(error, description),
  });
  if (!info.jkt) {
    return credentials.scheme === 'dpop' ? refuse('invalid_token', 'the token is not bound to a DPoP key') : undefined;
  }
  if (credentials.scheme !== 'dpop')
    return refuse('invalid_token', 'the token is DPoP-bound: send it with the DPoP scheme and a proof');
  const proof = ctx.get('dpop');
  if (!proof)
    return refuse('invalid_dpop_proof', 'a DPoP proof is required (the gateway must forward the DPoP header)');
  if (!info.claims)
    return refuse('invalid_token', 'a DPoP-bound opaque token cannot be checked here: use a JWT access token');
  const { method, url } = originalRequest(ctx);
  const audience = audiences.find((a) => info.audience.includes(a)) ?? audiences[0]!;
  const verdict = await checkDpop({ token: credentials.token, proof, method, url, audience });
  if (verdict === 'replayed') return refuse('invalid_dpop_proof', 'the DPoP proof was already used');
  if (verdict === 'invalid')
    return refuse('invalid_dpop_proof', 'the DPoP proof does not match the token, the key or the request');
  return undefined;
}
