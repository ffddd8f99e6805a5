import type { ClaimMapping, GroupMapping, IdpRecord, IdpType } from './idp-model.ts';
import { displayNameProblem } from '../security/display-name.ts';

/** What an operator gives when adding or changing an upstream (CLI flags, admin API, configuration file). */
export interface IdpInput {
  id: string;
  type: IdpType;
  displayName?: string;
  issuer?: string;
  apiUrl?: string;
  clientId: string;
  scopes?: string[];
  provision?: boolean;
  domains?: string[];
  claims?: Partial<ClaimMapping>;
  userinfo?: boolean;
  groupMap?: GroupMapping[];
  mfaAcrValues?: string[];
  upstreamLogout?: boolean;
}

/** The checked, complete settings of an upstream: what is stored, but its secret, icon, state and dates. */
export type IdpSettings = Omit<
  IdpRecord,
  '_id' | 'sealedClientSecret' | 'enabled' | 'icon' | 'createdAt' | 'updatedAt'
> & {
  id: string;
};

export class IdpSettingsError extends TypeError {}

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CLAIM = /^[A-Za-z0-9_:.\-/]{1,100}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

const GITHUB_WEB = 'https://github.com';
const GITHUB_API = 'https://api.github.com';

/** Plain HTTP only to this machine (a development upstream); anything else must be HTTPS. */
export function upstreamUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdpSettingsError(`${what} is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new IdpSettingsError(`${what} must be an https URL (plain http only for 127.0.0.1 or localhost)`);
  if (url.search || url.hash || url.username || url.password)
    throw new IdpSettingsError(`${what} must not have a query, fragment or credentials`);
  return url.href.replace(/\/$/, '');
}

function claimName(value: string | undefined, fallback: string, what: string): string {
  const name = value ?? fallback;
  if (!CLAIM.test(name)) throw new IdpSettingsError(`${what} is not a claim name`);
  return name;
}

/**
 * The settings an upstream is stored with, or an IdpSettingsError saying what is wrong. GitHub is a
 * preset: its endpoints, scopes and claim names are fixed (web and API addresses may point to a
 * GitHub Enterprise Server).
 */
export function idpSettings(input: IdpInput): IdpSettings {
  if (!ID.test(input.id)) throw new IdpSettingsError('id must be 1-32 lower-case letters, digits or dashes');
  if (input.type !== 'oidc' && input.type !== 'github') throw new IdpSettingsError('type must be oidc or github');
  if (!input.clientId || input.clientId.length > 400) throw new IdpSettingsError('client id is required');
  const github = input.type === 'github';
  if (!github && !input.issuer) throw new IdpSettingsError('an OpenID Connect upstream needs its issuer URL');
  if (!github && input.apiUrl) throw new IdpSettingsError('an API URL is only for GitHub');
  const issuer = upstreamUrl(input.issuer ?? GITHUB_WEB, 'issuer');
  const apiUrl = github ? upstreamUrl(input.apiUrl ?? GITHUB_API, 'API URL') : undefined;
  const scopes = input.scopes?.length
    ? input.scopes
    : github
      ? ['read:user', 'user:email']
      : ['openid', 'email', 'profile'];
  const badScope = scopes.find((scope) => !SCOPE.test(scope));
  if (badScope !== undefined) throw new IdpSettingsError(`scope "${badScope}" is not a scope`);
  if (!github && !scopes.includes('openid'))
    throw new IdpSettingsError('the scopes of an OpenID Connect upstream must include openid');
  const domains = [...new Set((input.domains ?? []).map((domain) => domain.trim().toLowerCase()).filter(Boolean))];
  const badDomain = domains.find((domain) => !DOMAIN.test(domain));
  if (badDomain !== undefined) throw new IdpSettingsError(`"${badDomain}" is not a domain name`);
  if (github && (input.claims || input.userinfo || input.mfaAcrValues?.length || input.upstreamLogout))
    throw new IdpSettingsError('GitHub is a preset: claims, userinfo, MFA acr values and upstream logout do not apply');
  const displayName = (input.displayName ?? (github ? 'GitHub' : input.id)).trim();
  if (!displayName || displayName.length > 60) throw new IdpSettingsError('display name must be 1-60 characters');
  const nameProblem = displayNameProblem(displayName);
  if (nameProblem) throw new IdpSettingsError(`display name ${nameProblem}`);
  const groupMap = input.groupMap ?? [];
  if (groupMap.length && !input.claims?.groups)
    throw new IdpSettingsError('mapping groups needs the claim that holds them (--claim-groups)');
  if (groupMap.some((m) => !m.upstream || m.upstream.length > 256 || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(m.local)))
    throw new IdpSettingsError('a group mapping is upstream=local, with a local group name');
  const mfaAcrValues = input.mfaAcrValues ?? [];
  if (mfaAcrValues.some((value) => !value || value.length > 200))
    throw new IdpSettingsError('MFA acr values must be 1-200 characters each');
  return {
    id: input.id,
    type: input.type,
    displayName,
    issuer,
    ...(apiUrl ? { apiUrl } : {}),
    clientId: input.clientId,
    scopes,
    provision: input.provision ?? false,
    domains,
    claims: {
      email: claimName(input.claims?.email, 'email', 'email claim'),
      emailVerified: claimName(input.claims?.emailVerified, 'email_verified', 'email_verified claim'),
      name: claimName(input.claims?.name, 'name', 'name claim'),
      ...(input.claims?.groups ? { groups: claimName(input.claims.groups, 'groups', 'groups claim') } : {}),
    },
    userinfo: input.userinfo ?? false,
    groupMap,
    mfaAcrValues,
    upstreamLogout: input.upstreamLogout ?? false,
  };
}

/** The address the upstream sends users back to: registered there by the operator. */
export function callbackUrl(issuer: string, id: string): string {
  return `${issuer}/upstream/${id}/callback`;
}
