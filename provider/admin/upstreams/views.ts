import { type AdminDeps, notFound } from '../admin-deps.ts';
import { callbackUrl } from '../../upstream/idp-settings.ts';
import { type IdpSummary, idpOverview, listIdps, showIdp } from '../../upstream/manage-idps.ts';
import type { IdpDetail, IdpView } from './schemas.ts';

const detail = (idp: IdpSummary, issuer: string): IdpDetail => ({
  ...idpOverview(idp),
  ...(idp.apiUrl ? { api_url: idp.apiUrl } : {}),
  client_id: idp.clientId,
  scopes: idp.scopes,
  claims: {
    email: idp.claims.email,
    email_verified: idp.claims.emailVerified,
    name: idp.claims.name,
    ...(idp.claims.groups ? { groups: idp.claims.groups } : {}),
  },
  userinfo: idp.userinfo,
  group_map: (idp.groupMap ?? []).map(({ upstream, local }) => ({ upstream, local })),
  mfa_acr_values: idp.mfaAcrValues,
  upstream_logout: idp.upstreamLogout,
  icon: idp.hasIcon,
  redirect_uri: callbackUrl(issuer, idp._id),
});

/** Every upstream, by id, as a listing shows it (never a secret). */
export async function listUpstreams(deps: Pick<AdminDeps, 'connection'>): Promise<IdpView[]> {
  return (await listIdps(deps.connection)).map(idpOverview);
}

/** One upstream's settings and the redirect URI to register there (never its secret). */
export async function getUpstream(deps: Pick<AdminDeps, 'connection' | 'issuer'>, id: string): Promise<IdpDetail> {
  const found = await showIdp(deps.connection, id);
  if (!found) throw notFound(`upstream ${id}`);
  return detail(found, deps.issuer);
}
