import type { ClientMetadata } from 'oidc-provider';

import { MongoAdapter, oidcModel, revokeGrants } from '../../adapters/mongodb.ts';
import { clientTemplate, type ClientTemplateOptions } from '../clients/client-template.ts';
import { BUILT_IN_CLIENTS } from '../clients/built-in-clients.ts';
import { registerClient } from '../clients/register-client.ts';
import { resourceServerModel } from '../resources/resource-server-model.ts';
import { forgetClientRoles } from '../roles/manage-roles.ts';
import { type AdminDeps, invalid, notFound, recordAdmin } from './admin-deps.ts';

/** A client as administrators see it: everything but its secret (or its hash). */
export type ClientView = Omit<ClientMetadata, 'client_secret'>;

const view = ({ client_secret: _secret, ...rest }: ClientMetadata): ClientView => rest;

/** The provider's own clients are registered at every start: changing them would only break the account pages or the console. */
function refuseBuiltIn(id: string): void {
  if (BUILT_IN_CLIENTS.includes(id))
    throw invalid(`${id} is one of the provider's own clients: it cannot be changed here`);
}

async function stored(deps: AdminDeps, id: string): Promise<ClientMetadata> {
  const metadata = await new MongoAdapter(deps.connection, 'Client').find(id);
  if (!metadata) throw notFound(`client ${id}`);
  return metadata as ClientMetadata;
}

async function save(deps: AdminDeps, metadata: ClientMetadata, rotateSecret = false) {
  try {
    return await registerClient(await deps.provider(), deps.connection, metadata, { rotateSecret });
  } catch (err) {
    const described = err as { error_description?: string; message?: string };
    throw invalid(described.error_description ?? described.message ?? 'invalid client metadata');
  }
}

/**
 * A client for an API that does not exist could never get a token, so a mistyped indicator is
 * refused here, where every door (API, console, CLI, configuration file) defines clients.
 */
async function refuseUnknownResources(deps: Pick<AdminDeps, 'connection'>, indicators: readonly string[] = []) {
  if (indicators.length === 0) return;
  const known = (await resourceServerModel(deps.connection).find({}, { _id: 1 }).sort({ _id: 1 }).lean()).map(
    (server) => server._id,
  );
  const unknown = indicators.filter((indicator) => !known.includes(indicator));
  if (unknown.length > 0)
    throw invalid(`unknown API ${unknown.join(', ')} (known: ${known.length > 0 ? known.join(', ') : 'none yet'})`);
}

/** Clients by id, a page at a time (`after`: the last id of the previous page). */
export async function listClients(
  deps: Pick<AdminDeps, 'connection'>,
  options: { after?: string; limit: number; dynamic?: boolean },
): Promise<ClientView[]> {
  const filter = {
    ...(options.dynamic ? { 'payload.dynamic_client': true } : {}),
    ...(options.after ? { _id: { $gt: options.after } } : {}),
  };
  const records = await oidcModel(deps.connection, 'Client').find(filter).sort({ _id: 1 }).limit(options.limit).lean();
  return records.map(({ payload }) => view(payload as ClientMetadata));
}

export async function getClient(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<ClientView> {
  return view(await stored(deps as AdminDeps, id));
}

/** Registers a client from a type and its options (clients/client-template.ts sets safe defaults). */
export async function createClient(
  deps: AdminDeps,
  options: ClientTemplateOptions,
): Promise<{ clientId: string; clientSecret?: string }> {
  let metadata: ClientMetadata;
  try {
    metadata = clientTemplate(options);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  if (options.id && (await new MongoAdapter(deps.connection, 'Client').find(options.id)))
    throw invalid(`a client ${options.id} exists already`);
  await refuseUnknownResources(deps, metadata.allowed_resources as string[] | undefined);
  const result = await save(deps, metadata);
  await recordAdmin(deps, 'admin.client.added', { client: result.clientId });
  return result;
}

/** The fields an administrator may change on an existing client. */
export interface ClientChanges {
  client_name?: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  allowed_resources?: string[];
  /** per API, the only scopes it may ask for there (undefined: every scope of the API) */
  resource_scopes?: Record<string, string[]>;
  first_party?: boolean;
  require_mfa?: boolean;
  require_passkey?: boolean;
  require_verified_email?: boolean;
  /** the APIs it is the credentials of: it may introspect their tokens (tokens/introspection-policy.ts) */
  resource_server_of?: string[];
  /** it may introspect every token */
  introspect_any?: boolean;
}

export async function updateClient(deps: AdminDeps, id: string, changes: ClientChanges): Promise<ClientView> {
  refuseBuiltIn(id);
  const current = await stored(deps, id);
  await refuseUnknownResources(deps, changes.allowed_resources);
  const result = await save(deps, { ...current, ...changes });
  await recordAdmin(deps, 'admin.client.updated', { client: id, details: { fields: Object.keys(changes) } });
  return view((await stored(deps, result.clientId)) as ClientMetadata);
}

/** A new secret, returned once; the old one stops working. */
export async function rotateClientSecret(deps: AdminDeps, id: string): Promise<string> {
  refuseBuiltIn(id);
  const { clientSecret } = await save(deps, await stored(deps, id), true);
  if (!clientSecret) throw invalid(`${id} is a public client: it has no secret`);
  await recordAdmin(deps, 'admin.client.secret_rotated', { client: id });
  return clientSecret;
}

/** Deletes a client: its grants are revoked, its roles forgotten, its tokens stop working. */
export async function deleteClient(deps: AdminDeps, id: string): Promise<void> {
  refuseBuiltIn(id);
  await stored(deps, id);
  await new MongoAdapter(deps.connection, 'Client').destroy(id);
  // Users' tokens die with their grants; service tokens fail the client check at /validate and
  // introspection (here at once, elsewhere within CLIENT_CHANGE_SECONDS: adapters/client-changes.ts).
  const grants = await oidcModel(deps.connection, 'Grant').find({ 'payload.clientId': id }, { _id: 1 }).lean();
  await revokeGrants(
    deps.connection,
    grants.map((grant) => String(grant._id)),
  );
  await forgetClientRoles(deps.connection, id);
  await recordAdmin(deps, 'admin.client.deleted', { client: id });
}
