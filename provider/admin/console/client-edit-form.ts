import type { Context } from 'koa';

import { formField } from '../../forms/form-field.ts';
import { checked, lines } from './form-values.ts';
import { scopesFromLines } from './resource-scope-lines.ts';

/** What the admin typed on a client's page, to show it again next to its problems. */
export function typedClientEdit(ctx: Context) {
  return {
    name: formField(ctx, 'name'),
    redirects: formField(ctx, 'redirect_uris'),
    postLogouts: formField(ctx, 'post_logout_redirect_uris'),
    resources: formField(ctx, 'resources'),
    firstParty: checked(ctx, 'first_party'),
    requireMfa: checked(ctx, 'require_mfa'),
    requirePasskey: checked(ctx, 'require_passkey'),
    requireVerifiedEmail: checked(ctx, 'require_verified_email'),
    // the "Advanced" section
    requirePar: checked(ctx, 'require_par'),
    requireDpop: checked(ctx, 'require_dpop'),
    backchannelLogoutUri: formField(ctx, 'backchannel_logout_uri').trim(),
    backchannelSessionRequired: checked(ctx, 'backchannel_logout_session_required'),
    resourceServerOf: formField(ctx, 'resource_server_of'),
    introspectAny: checked(ctx, 'introspect_any'),
    resourceScopes: formField(ctx, 'resource_scopes'),
  };
}
export type TypedClientEdit = ReturnType<typeof typedClientEdit>;

/**
 * The admin API's PATCH body for it (parsed with its schema next). An emptied back-channel
 * logout URI is null, which removes it; whether its tokens name the session goes with a URI only.
 */
export function clientEditBody(typed: TypedClientEdit): Record<string, unknown> {
  return {
    client_name: typed.name || undefined,
    redirect_uris: lines(typed.redirects),
    post_logout_redirect_uris: lines(typed.postLogouts),
    allowed_resources: lines(typed.resources),
    first_party: typed.firstParty,
    require_mfa: typed.requireMfa,
    require_passkey: typed.requirePasskey,
    require_verified_email: typed.requireVerifiedEmail,
    require_pushed_authorization_requests: typed.requirePar,
    dpop_bound_access_tokens: typed.requireDpop,
    backchannel_logout_uri: typed.backchannelLogoutUri || null,
    ...(typed.backchannelLogoutUri ? { backchannel_logout_session_required: typed.backchannelSessionRequired } : {}),
    resource_server_of: lines(typed.resourceServerOf),
    introspect_any: typed.introspectAny,
    resource_scopes: scopesFromLines(typed.resourceScopes),
  };
}
