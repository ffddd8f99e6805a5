import { type AdminDeps, invalid, notFound, recordAdmin } from '../admin-deps.ts';
import type { IdpRecord } from '../../upstream/idp-model.ts';
import { type IdpInput, IdpSettingsError } from '../../upstream/idp-settings.ts';
import { addIdp, deleteIdp, inputOf, setIdpEnabled, showIdp, updateIdp } from '../../upstream/manage-idps.ts';
import type { IdpCreateBody, IdpDetail, IdpPatchBody } from './schemas.ts';
import { getUpstream } from './views.ts';

/** The settings a door's body gives, in the words idp-settings.ts checks. */
function settingsOf(body: Omit<IdpPatchBody, 'enabled' | 'client_secret'>): Partial<IdpInput> {
  const claims = body.claims && {
    ...(body.claims.email ? { email: body.claims.email } : {}),
    ...(body.claims.email_verified ? { emailVerified: body.claims.email_verified } : {}),
    ...(body.claims.name ? { name: body.claims.name } : {}),
    ...(body.claims.groups ? { groups: body.claims.groups } : {}),
  };
  const given = {
    displayName: body.name,
    issuer: body.issuer,
    apiUrl: body.api_url,
    clientId: body.client_id,
    scopes: body.scopes,
    provision: body.provision,
    domains: body.domains,
    claims,
    userinfo: body.userinfo,
    groupMap: body.group_map,
    mfaAcrValues: body.mfa_acr_values,
    upstreamLogout: body.upstream_logout,
  };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}

/** idp-settings.ts's refusals, as the admin services' (the CLI prints them, the API answers 400). */
async function checked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof IdpSettingsError) throw invalid(err.message);
    throw err;
  }
}

/**
 * Adds an upstream, enabled. Its secret is sealed under KEY_ENCRYPTION_KEY and never shown back;
 * `icon` is a button image the CLI reads from a file (iconOf checks it).
 */
export async function addUpstream(deps: AdminDeps, body: IdpCreateBody, icon?: IdpRecord['icon']): Promise<IdpDetail> {
  const added = await checked(() =>
    addIdp(deps.connection, deps.keys.encryptionKey, {
      ...settingsOf(body),
      id: body.id,
      type: body.type,
      clientId: body.client_id,
      clientSecret: body.client_secret,
      ...(icon ? { icon } : {}),
    }),
  );
  await recordAdmin(deps, 'admin.idp.added', { details: { idp: added._id, type: added.type, issuer: added.issuer } });
  return getUpstream(deps, added._id);
}

/**
 * Changes an upstream: the settings given replace the stored ones and the whole is checked again
 * as an addition is; a new secret replaces the old. `enabled` turns it on or off. The audit record
 * names what changed, never a value (a secret stays out of the log).
 */
export async function updateUpstream(deps: AdminDeps, id: string, body: IdpPatchBody): Promise<IdpDetail> {
  const { enabled, client_secret: clientSecret, ...changes } = body;
  const changed = Object.keys(changes).concat(clientSecret ? ['client_secret'] : []);
  if (changed.length) {
    const stored = await showIdp(deps.connection, id);
    if (!stored) throw notFound(`upstream ${id}`);
    await checked(() =>
      updateIdp(deps.connection, deps.keys.encryptionKey, { ...inputOf(stored), ...settingsOf(changes), clientSecret }),
    );
    await recordAdmin(deps, 'admin.idp.updated', { details: { idp: id, changed: changed.sort() } });
  }
  if (enabled !== undefined) await setUpstreamEnabled(deps, id, enabled);
  return getUpstream(deps, id);
}

/** Shows its button and accepts its sign-ins, or hides and refuses them (every instance within IDP_CACHE_MS). */
export async function setUpstreamEnabled(deps: AdminDeps, id: string, enabled: boolean): Promise<void> {
  if (!(await setIdpEnabled(deps.connection, id, enabled))) throw notFound(`upstream ${id}`);
  await recordAdmin(deps, enabled ? 'admin.idp.enabled' : 'admin.idp.disabled', { details: { idp: id } });
}

/** Removes an upstream and every account's link to it (the accounts stay); how many links went. */
export async function deleteUpstream(deps: AdminDeps, id: string): Promise<number> {
  const links = await deleteIdp(deps.connection, id);
  if (links === undefined) throw notFound(`upstream ${id}`);
  await recordAdmin(deps, 'admin.idp.deleted', { details: { idp: id, links } });
  return links;
}
