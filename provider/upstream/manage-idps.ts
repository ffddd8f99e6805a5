import type { Connection } from 'mongoose';

import { seal } from '../security/secret-box.ts';
import { identityLinkModel } from './identity-link-model.ts';
import { idpModel, type IdpRecord } from './idp-model.ts';
import { type IdpInput, type IdpSettings, IdpSettingsError, idpSettings } from './idp-settings.ts';

/** The icon formats a button may show (served with a sandboxing CSP: an SVG cannot run script). */
const ICON_TYPES: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml' };
const MAX_ICON_BYTES = 32 * 1024;

/** An upstream without its secret or icon bytes: what listings and the screens see. */
export type IdpSummary = Omit<IdpRecord, 'sealedClientSecret' | 'icon'> & { hasIcon: boolean };

/** What a listing shows of an upstream: the admin API's answer and the CLI's `idps list`. */
export const idpOverview = (idp: IdpSummary) => ({
  id: idp._id,
  type: idp.type,
  name: idp.displayName,
  enabled: idp.enabled,
  issuer: idp.issuer,
  provision: idp.provision,
  domains: idp.domains,
});

const summary = ({ sealedClientSecret: _secret, icon, ...rest }: IdpRecord): IdpSummary => ({
  ...rest,
  hasIcon: !!icon?.contentType,
});

/** Listings never read the icons' bytes. */
const WITHOUT_ICON = { 'icon.data': 0 } as const;

/** The icon record for a file's name and bytes, or an IdpSettingsError. */
export function iconOf(fileName: string, data: Buffer): IdpRecord['icon'] {
  const contentType = ICON_TYPES[fileName.split('.').pop()?.toLowerCase() ?? ''];
  if (!contentType) throw new IdpSettingsError('the icon must be a .png or .svg file');
  if (data.length === 0 || data.length > MAX_ICON_BYTES) throw new IdpSettingsError('the icon must be at most 32 KB');
  return { contentType, data };
}

/** Home-realm discovery must have one answer: a domain routed to another upstream is refused. */
async function refuseTakenDomains(connection: Connection, settings: IdpSettings): Promise<void> {
  if (!settings.domains.length) return;
  const taken = await idpModel(connection)
    .findOne({ domains: { $in: settings.domains }, _id: { $ne: settings.id } }, { _id: 1 })
    .lean();
  if (taken) throw new IdpSettingsError(`one of those domains already signs in through "${taken._id}"`);
}

/**
 * Adds an upstream. Its secret is sealed under KEY_ENCRYPTION_KEY like the signing keys; a domain
 * already routed to another upstream is refused (home-realm discovery must have one answer).
 */
export async function addIdp(
  connection: Connection,
  encryptionKey: Uint8Array,
  input: IdpInput & { clientSecret: string; icon?: IdpRecord['icon'] },
): Promise<IdpSummary> {
  const settings = idpSettings(input);
  if (!input.clientSecret) throw new IdpSettingsError('the client secret is required');
  const Idp = idpModel(connection);
  if (await Idp.exists({ _id: settings.id })) throw new IdpSettingsError(`an upstream "${settings.id}" exists already`);
  await refuseTakenDomains(connection, settings);
  const now = new Date();
  const { id, ...rest } = settings;
  const record: IdpRecord = {
    _id: id,
    ...rest,
    sealedClientSecret: await seal(encryptionKey, input.clientSecret, `idp:${id}`),
    enabled: true,
    ...(input.icon ? { icon: input.icon } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await Idp.insertMany([record]);
  return summary(record);
}

/** What an upstream was added with, as the input its settings are checked from (for a change). */
export function inputOf(idp: IdpSummary): IdpInput {
  // GitHub is a preset: its stored claims, userinfo, acr values and logout are not settings.
  const oidc = idp.type === 'oidc';
  return {
    id: idp._id,
    type: idp.type,
    displayName: idp.displayName,
    issuer: idp.issuer,
    ...(idp.apiUrl ? { apiUrl: idp.apiUrl } : {}),
    clientId: idp.clientId,
    scopes: idp.scopes,
    provision: idp.provision,
    domains: idp.domains,
    ...(oidc ? { claims: idp.claims, userinfo: idp.userinfo, mfaAcrValues: idp.mfaAcrValues } : {}),
    ...(oidc ? { upstreamLogout: idp.upstreamLogout } : {}),
    groupMap: idp.groupMap ?? [],
  };
}

/**
 * Where an upstream's identities come from (its issuer, GitHub's API) changes only with its secret
 * given again, and never under linked accounts: links are keyed by the upstream's id and `sub`, so
 * another server's "sub" would sign in as them, and the sealed secret would go to that server.
 */
async function refuseRepointing(
  connection: Connection,
  id: string,
  settings: Pick<IdpSettings, 'issuer' | 'apiUrl'>,
  clientSecret: string | undefined,
): Promise<void> {
  const stored = await idpModel(connection).findById(id, { issuer: 1, apiUrl: 1 }).lean<IdpRecord>();
  if (!stored || (stored.issuer === settings.issuer && (stored.apiUrl ?? '') === (settings.apiUrl ?? ''))) return;
  if (await identityLinkModel(connection).exists({ idp: id }))
    throw new IdpSettingsError(
      'accounts are linked to this upstream: its issuer cannot change (add a new upstream for the new issuer)',
    );
  if (!clientSecret) throw new IdpSettingsError('a new issuer needs the client secret again');
}

/**
 * Replaces an upstream's settings (checked like an addition's) and, when given, its secret. False
 * when there is none. Instances notice within IDP_CACHE_MS.
 */
export async function updateIdp(
  connection: Connection,
  encryptionKey: Uint8Array,
  input: IdpInput & { clientSecret?: string },
): Promise<boolean> {
  const { id, type: _type, ...settings } = idpSettings(input);
  await refuseTakenDomains(connection, { id, type: input.type, ...settings });
  await refuseRepointing(connection, id, settings, input.clientSecret);
  const secret = input.clientSecret
    ? { sealedClientSecret: await seal(encryptionKey, input.clientSecret, `idp:${id}`) }
    : {};
  const unset = settings.apiUrl ? {} : { $unset: { apiUrl: 1 } };
  const result = await idpModel(connection).updateOne(
    { _id: id },
    { $set: { ...settings, ...secret, updatedAt: new Date() }, ...unset },
  );
  return result.matchedCount === 1;
}

export async function listIdps(connection: Connection): Promise<IdpSummary[]> {
  const all = await idpModel(connection).find({}, WITHOUT_ICON).sort({ _id: 1 }).lean<IdpRecord[]>();
  return all.map(summary);
}

export async function showIdp(connection: Connection, id: string): Promise<IdpSummary | undefined> {
  const found = await idpModel(connection).findById(id, WITHOUT_ICON).lean<IdpRecord>();
  return found ? summary(found) : undefined;
}

/** Turns an upstream on or off; false when there is none. Instances notice within IDP_CACHE_MS. */
export async function setIdpEnabled(connection: Connection, id: string, enabled: boolean): Promise<boolean> {
  const result = await idpModel(connection).updateOne({ _id: id }, { $set: { enabled, updatedAt: new Date() } });
  return result.matchedCount === 1;
}

/**
 * Deletes an upstream and the links of accounts to it (the accounts stay: they keep their
 * password, passkeys and any other link). Returns how many links went, or undefined when there
 * was no such upstream.
 */
export async function deleteIdp(connection: Connection, id: string): Promise<number | undefined> {
  const deleted = await idpModel(connection).deleteOne({ _id: id });
  if (deleted.deletedCount !== 1) return undefined;
  const links = await identityLinkModel(connection).deleteMany({ idp: id });
  return links.deletedCount;
}
