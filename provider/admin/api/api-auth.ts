import type { Context, Next } from 'koa';

import { adminApiIndicator, type AdminArea, allows } from '../admin-api-resource.ts';
import type { AdminActor } from '../admin-deps.ts';
import { countInWindow } from '../../security/count-in-window.ts';
import type { ResolveToken } from '../../tokens/live-tokens.ts';
import { ApiProblem } from './problem.ts';
import type { Connection } from 'mongoose';

export interface ApiCaller {
  sub: string;
  clientId: string;
  scopes: string[];
  actor: AdminActor;
}

const challenge = (issuer: string, error?: string, description?: string) =>
  `Bearer realm="${issuer}"${error ? `, error="${error}"` : ''}${description ? `, error_description="${description}"` : ''}`;

/**
 * The admin API takes access tokens of this provider for the admin API's audience (RFC 6750
 * bearer; a DPoP-bound token is refused here), from people (through the console's sign-in or any
 * app) and from services (client credentials). Each caller is rate limited across instances.
 */
export function authenticateCaller(
  issuer: string,
  resolveToken: ResolveToken,
  connection: Connection,
  callsPerMinute: number,
) {
  const audience = adminApiIndicator(issuer);
  return async function authenticateCaller(ctx: Context, next: Next): Promise<void> {
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(ctx.get('authorization'));
    if (!match)
      throw new ApiProblem(401, 'unauthorized', 'a bearer access token is required', {
        'WWW-Authenticate': challenge(issuer),
      });
    const facts = await resolveToken(match[1]!);
    if (!facts || facts.jkt || !facts.audience.includes(audience))
      throw new ApiProblem(
        401,
        'unauthorized',
        'the access token is invalid, expired, revoked or not for the admin API',
        {
          'WWW-Authenticate': challenge(issuer, 'invalid_token'),
        },
      );
    const calls = await countInWindow(connection, `admin-api|${facts.sub}`, 60_000);
    if (calls > callsPerMinute)
      throw new ApiProblem(429, 'rate-limited', 'too many calls: wait a minute', { 'Retry-After': '60' });
    ctx.state.caller = {
      sub: facts.sub,
      clientId: facts.clientId,
      scopes: facts.scopes,
      actor: {
        via: 'api',
        sub: facts.sub,
        client: facts.clientId,
        ip: ctx.ip,
        requestId: ctx.state.requestId,
      },
    } satisfies ApiCaller;
    return next();
  };
}

/** 403 insufficient_scope unless the caller's scopes allow this area (a write scope allows reads). */
export function requireScope(ctx: Context, issuer: string, area: AdminArea, write: boolean): void {
  const caller = ctx.state.caller as ApiCaller;
  if (!allows(caller.scopes, area, write))
    throw new ApiProblem(
      403,
      'insufficient-scope',
      `needs the scope admin:${area}${write ? '' : ` or admin:${area}:read`}`,
      {
        'WWW-Authenticate': challenge(issuer, 'insufficient_scope'),
      },
    );
}
