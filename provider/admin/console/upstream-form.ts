import type { Context } from 'koa';

import type { IdpDetail } from '../upstreams/schemas.ts';
import { formField } from '../../forms/form-field.ts';

/** The upstream form as typed (never the secret: it is write-only and never shown again). */
export interface UpstreamForm {
  type: string;
  id: string;
  name: string;
  issuer: string;
  api_url: string;
  client_id: string;
  scopes: string;
  domains: string;
  claim_email: string;
  claim_email_verified: string;
  claim_name: string;
  claim_groups: string;
  group_map: string;
  mfa_acr_values: string;
  provision: boolean;
  userinfo: boolean;
  upstream_logout: boolean;
}

const TEXT = [
  'type',
  'id',
  'name',
  'issuer',
  'api_url',
  'client_id',
  'scopes',
  'domains',
  'claim_email',
  'claim_email_verified',
  'claim_name',
  'claim_groups',
  'group_map',
  'mfa_acr_values',
] as const;
const SWITCHES = ['provision', 'userinfo', 'upstream_logout'] as const;

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** What the administrator typed, to parse and, when refused, to show again. */
export function typedUpstream(ctx: Context): UpstreamForm {
  const text = Object.fromEntries(TEXT.map((name) => [name, formField(ctx, name).trim()]));
  const switches = Object.fromEntries(SWITCHES.map((name) => [name, formField(ctx, name) === 'on']));
  return { ...text, ...switches } as unknown as UpstreamForm;
}

/** A stored upstream as the edit form shows it. */
export function formOf(idp: IdpDetail): UpstreamForm {
  return {
    type: idp.type,
    id: idp.id,
    name: idp.name,
    issuer: idp.issuer,
    api_url: idp.api_url ?? '',
    client_id: idp.client_id,
    scopes: idp.scopes.join(' '),
    domains: idp.domains.join(' '),
    claim_email: idp.claims.email,
    claim_email_verified: idp.claims.email_verified,
    claim_name: idp.claims.name,
    claim_groups: idp.claims.groups ?? '',
    group_map: idp.group_map.map((m) => `${m.upstream}=${m.local}`).join('\n'),
    mfa_acr_values: idp.mfa_acr_values.join(' '),
    provision: idp.provision,
    userinfo: idp.userinfo,
    upstream_logout: idp.upstream_logout,
  };
}

/**
 * The form as the admin API's body (upstreams/schemas.ts), without id, type and secret. GitHub is
 * a preset: its form has no claim, userinfo, acr or logout fields, so the body has none either.
 */
export function settingsBody(form: UpstreamForm): Record<string, unknown> {
  const claims = Object.fromEntries(
    (
      [
        ['email', form.claim_email],
        ['email_verified', form.claim_email_verified],
        ['name', form.claim_name],
        ['groups', form.claim_groups],
      ] as const
    ).filter(([, value]) => value),
  );
  const oidc = form.type !== 'github';
  return {
    ...(form.name ? { name: form.name } : {}),
    ...(form.issuer ? { issuer: form.issuer } : {}),
    ...(form.api_url ? { api_url: form.api_url } : {}),
    client_id: form.client_id,
    scopes: words(form.scopes),
    provision: form.provision,
    domains: words(form.domains),
    ...(oidc && Object.keys(claims).length ? { claims } : {}),
    group_map: form.group_map
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.lastIndexOf('=');
        return { upstream: pair.slice(0, at).trim(), local: at > 0 ? pair.slice(at + 1).trim() : '' };
      }),
    ...(oidc
      ? { userinfo: form.userinfo, mfa_acr_values: words(form.mfa_acr_values), upstream_logout: form.upstream_logout }
      : {}),
  };
}

/** Only the settings that differ from the stored ones: the audit record names what changed. */
export function changedSettings(body: Record<string, unknown>, stored: IdpDetail): Record<string, unknown> {
  const before = stored as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key])),
  );
}
