import type { Provider, TokenEndpointGrantContext } from 'oidc-provider';
import { errors } from 'oidc-provider';

import type { AuditLog } from '../../../security/audit-log.ts';
import type { ResourceServerDirectory } from '../../../resources/resource-server-directory.ts';
import { metadataOf } from '../../client-metadata.ts';
import { printable } from '../../resource-indicators.ts';
import { chooseScopes } from './choose-scopes.ts';
import type { AccessDirectory } from '../../../roles/access-directory.ts';
import { NO_ACCESS, rolesAt, scopesGrantedAt } from '../../../roles/access-rules.ts';
import { usesAccess } from '../../../resources/resource-server-directory.ts';
import { clientPrincipal, userPrincipal } from '../../../roles/principal-access-model.ts';
import { chooseTarget } from './choose-target.ts';
import { setExchangeClaims } from './exchange-claims.ts';
import { exchangePolicy, subjectRefusal } from './exchange-policy.ts';
import { mayActAllows } from './may-act.ts';
import type { ResolveToken } from '../../../tokens/live-tokens.ts';
import type { TokenFacts } from '../../../tokens/token-facts.ts';
import { ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE, SUPPORTED_TOKEN_TYPES, TOKEN_EXCHANGE_GRANT } from './token-types.ts';

type AccessTokenInit = ConstructorParameters<Provider['AccessToken']>[0];

export interface TokenExchangeDeps {
  provider: Provider;
  /** tokens/live-tokens.ts: is this token ours and live, and what does it say */
  resolveToken: ResolveToken;
  directory: ResourceServerDirectory;
  /** the subject's groups and roles: an exchanged token carries the subject's, never more */
  access: AccessDirectory;
  audit: AuditLog;
  /** TOKEN_EXCHANGE_MAX_TTL */
  maxTtl: number;
  /** ACCESS_TOKEN_TTL, when the target sets no lifetime of its own */
  accessTokenTtl: number;
}

interface ExchangeParams {
  subject_token?: string;
  subject_token_type?: string;
  actor_token?: string;
  actor_token_type?: string;
  requested_token_type?: string;
  scope?: string;
  resource?: string | string[];
  audience?: string | string[];
}

const PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'scope',
  'resource',
  'audience',
];
const REPEATABLE = ['resource', 'audience'];

/** RFC 8693 2.1: the request's shape, before any token is looked at. */
function checkRequest(params: ExchangeParams): void {
  if (!params.subject_token) throw new errors.InvalidRequest('missing required parameter subject_token');
  if (!params.subject_token_type) throw new errors.InvalidRequest('missing required parameter subject_token_type');
  if (!SUPPORTED_TOKEN_TYPES.has(params.subject_token_type))
    throw new errors.InvalidRequest('unsupported subject_token_type');
  if (params.requested_token_type !== undefined && !SUPPORTED_TOKEN_TYPES.has(params.requested_token_type)) {
    throw new errors.InvalidRequest('unsupported requested_token_type: only access tokens are issued');
  }
  if (params.actor_token !== undefined && !params.actor_token_type)
    throw new errors.InvalidRequest('missing required parameter actor_token_type');
  if (params.actor_token === undefined && params.actor_token_type !== undefined)
    throw new errors.InvalidRequest('actor_token_type given without actor_token');
  if (params.actor_token_type !== undefined && !SUPPORTED_TOKEN_TYPES.has(params.actor_token_type))
    throw new errors.InvalidRequest('unsupported actor_token_type');
}

/**
 * The actor token of a delegation: a live token issued to the requesting client itself (usually
 * its own client-credentials token). A token of another client would let the caller write that
 * client's name into `act`; the subject token as its own actor names nobody new.
 */
async function resolveActor(params: ExchangeParams, resolveToken: ResolveToken, callerId: string): Promise<TokenFacts> {
  if (params.actor_token === params.subject_token)
    throw new errors.InvalidRequest('actor_token must not be the subject_token');
  const actor = await resolveToken(params.actor_token, { jwtOnly: params.actor_token_type === JWT_TOKEN_TYPE });
  if (!actor) throw new errors.InvalidRequest('actor_token is invalid, expired or revoked');
  if (actor.clientId !== callerId)
    throw new errors.InvalidRequest('actor_token must be issued to the requesting client');
  return actor;
}

/** RFC 8693 4.1: the new actor outermost, every earlier actor nested inside. */
function delegationChain(subject: TokenFacts, actor: TokenFacts | undefined): Record<string, unknown> | undefined {
  if (!actor) return subject.act;
  return { sub: actor.sub, client_id: actor.clientId, ...(subject.act ? { act: subject.act } : undefined) };
}

/**
 * The token-exchange grant: a narrower access token (subset of scopes, one target) for the
 * subject of a token we issued, optionally recording who acts for it. Refusals follow RFC 8693
 * 2.2.2: bad subject/actor tokens are invalid_request, targets invalid_target, scopes invalid_scope.
 */
function tokenExchangeGrant(deps: TokenExchangeDeps) {
  const { provider, resolveToken, directory, access, audit } = deps;

  return async function tokenExchange(ctx: TokenEndpointGrantContext): Promise<void> {
    const client = ctx.oidc.client!;
    const params = ctx.oidc.params as ExchangeParams;
    const policy = exchangePolicy(metadataOf(client));
    if (!policy) throw new errors.UnauthorizedClient('this client is not allowed to exchange tokens');
    checkRequest(params);
    if (params.actor_token !== undefined && !policy.actor)
      throw new errors.UnauthorizedClient('this client is not allowed to request delegation');

    const subject = await resolveToken(params.subject_token, { jwtOnly: params.subject_token_type === JWT_TOKEN_TYPE });
    if (!subject) throw new errors.InvalidRequest('subject_token is invalid, expired or revoked');
    const refusal = subjectRefusal(policy, subject);
    if (refusal) throw new errors.InvalidRequest(refusal);
    const actor =
      params.actor_token === undefined ? undefined : await resolveActor(params, resolveToken, client.clientId);
    // may_act is held against the authenticated caller: the actor token can only be its own.
    if (!mayActAllows(subject.mayAct, { sub: actor?.sub ?? client.clientId, client_id: client.clientId })) {
      throw new errors.InvalidRequest('the acting party may not act for this subject (may_act)');
    }

    const target = chooseTarget(params.resource, params.audience, policy);
    const server = await directory.find(target);
    if (!server) throw new errors.InvalidTarget(`unknown resource: ${printable(target)}`);
    // The subject's roles at the target, whoever asks: a user's, or the service's whose token it is.
    const held = usesAccess(server)
      ? await access.of(subject.accountId ? userPrincipal(subject.accountId) : clientPrincipal(subject.clientId))
      : NO_ACCESS;
    const granted = scopesGrantedAt(held, target);
    const scopes = chooseScopes(params.scope, {
      subject: subject.scopes,
      // At an API gated by roles, only the scopes the subject's roles grant there.
      target: server.scopeAccess === 'roles' ? server.scopes.filter((scope) => granted.has(scope)) : server.scopes,
      policy: policy.scopes,
    });
    const roles = rolesAt(held, target);

    // Never outlive the subject token; never beyond the configured cap or the target's lifetime.
    const remaining = subject.exp - Math.floor(Date.now() / 1000);
    if (remaining <= 0) throw new errors.InvalidRequest('subject_token is invalid, expired or revoked');
    const expiresIn = Math.min(remaining, deps.maxTtl, server.accessTokenTtl ?? deps.accessTokenTtl);

    // oidc-provider takes a token without a grant (a service's subject); its types insist on one.
    const token = new provider.AccessToken({
      // The subject stays the subject: a user's account, or the service the subject token was issued to.
      accountId: subject.sub,
      client,
      // Sharing the subject's grant: revoking it makes every token exchanged from it inactive.
      grantId: subject.grantId,
      scope: scopes.join(' '),
      gty: 'token_exchange',
      expiresIn,
      resourceServer: new provider.ResourceServer(target, {
        audience: target,
        scope: server.scopes.join(' '),
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    } as AccessTokenInit);
    const act = delegationChain(subject, actor);
    if (act || roles.length) setExchangeClaims(token, { ...(act ? { act } : {}), ...(roles.length ? { roles } : {}) });
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();

    await audit.record({
      event: 'token_exchange',
      outcome: 'success',
      requestId: ctx.state.requestId,
      client: client.clientId,
      ip: ctx.ip,
      account: subject.accountId,
      details: {
        subject: subject.sub,
        subjectClient: subject.clientId,
        actor: actor ? { sub: actor.sub, client_id: actor.clientId } : undefined,
        fromScopes: subject.scopes.join(' '),
        toScopes: scopes.join(' '),
        audience: target,
        expiresIn,
      },
    });

    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: scopes.join(' '),
    };
  };
}

export function registerTokenExchange(deps: TokenExchangeDeps): void {
  deps.provider.registerGrantType(TOKEN_EXCHANGE_GRANT, tokenExchangeGrant(deps), PARAMETERS, REPEATABLE);
}
