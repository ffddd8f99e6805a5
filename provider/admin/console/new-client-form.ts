import type { Context } from 'koa';

import { formField } from '../../forms/form-field.ts';
import { checked, lines } from './form-values.ts';

/** What the admin typed in the new-client form, to show it again next to its problems. */
export function typedNewClient(ctx: Context) {
  return {
    type: formField(ctx, 'type'),
    id: formField(ctx, 'id').trim(),
    name: formField(ctx, 'name'),
    redirect_uris: formField(ctx, 'redirect_uris'),
    post_logout_redirect_uris: formField(ctx, 'post_logout_redirect_uris'),
    resources: formField(ctx, 'resources'),
    first_party: checked(ctx, 'first_party'),
    require_mfa: checked(ctx, 'require_mfa'),
    require_passkey: checked(ctx, 'require_passkey'),
    require_verified_email: checked(ctx, 'require_verified_email'),
    // the "Advanced" section
    require_par: checked(ctx, 'require_par'),
    require_dpop: checked(ctx, 'require_dpop'),
    backchannel_logout_uri: formField(ctx, 'backchannel_logout_uri').trim(),
    exchange_resources: formField(ctx, 'exchange_resources'),
    exchange_subject_audiences: formField(ctx, 'exchange_subject_audiences'),
    exchange_subject_clients: formField(ctx, 'exchange_subject_clients'),
    exchange_scopes: formField(ctx, 'exchange_scopes'),
    exchange_actor: checked(ctx, 'exchange_actor'),
    resource_server_of: formField(ctx, 'resource_server_of'),
    introspect_any: checked(ctx, 'introspect_any'),
  };
}
type TypedNewClient = ReturnType<typeof typedNewClient>;

/** Whether anything in the "Advanced" section was typed or ticked: it is shown open again. */
export const usesAdvanced = (typed: TypedNewClient): boolean =>
  typed.require_par ||
  typed.require_dpop ||
  typed.exchange_actor ||
  typed.introspect_any ||
  [
    typed.backchannel_logout_uri,
    typed.exchange_resources,
    typed.exchange_subject_audiences,
    typed.exchange_subject_clients,
    typed.exchange_scopes,
    typed.resource_server_of,
  ].some((text) => text.trim() !== '');

/**
 * The admin API's body for the new client (parsed with its schema next). The exchange settings
 * go only with an exchanger (their legend says so), as the client template reads them only then.
 */
export function newClientBody(typed: TypedNewClient): Record<string, unknown> {
  const optional = (list: string[]) => (list.length > 0 ? list : undefined);
  return {
    type: typed.type,
    ...(typed.id ? { id: typed.id } : {}),
    ...(typed.name ? { name: typed.name } : {}),
    redirect_uris: lines(typed.redirect_uris),
    post_logout_redirect_uris: lines(typed.post_logout_redirect_uris),
    resources: lines(typed.resources),
    first_party: typed.first_party,
    require_mfa: typed.require_mfa,
    require_passkey: typed.require_passkey,
    require_verified_email: typed.require_verified_email,
    require_par: typed.require_par,
    require_dpop: typed.require_dpop,
    ...(typed.backchannel_logout_uri ? { backchannel_logout_uri: typed.backchannel_logout_uri } : {}),
    ...(typed.type === 'exchanger'
      ? {
          exchange: {
            resources: optional(lines(typed.exchange_resources)),
            subject_audiences: optional(lines(typed.exchange_subject_audiences)),
            subject_clients: optional(lines(typed.exchange_subject_clients)),
            scopes: optional(lines(typed.exchange_scopes)),
            actor: typed.exchange_actor,
          },
        }
      : {}),
    resource_server_of: lines(typed.resource_server_of),
    introspect_any: typed.introspect_any,
  };
}
