import type { ClientMetadata } from 'oidc-provider';

import { MongoAdapter, oidcModel, revokeGrants } from '../../../adapters/mongodb.ts';
import { BUILT_IN_CLIENTS } from '../../clients/built-in-clients.ts';
import { clientTemplate } from '../../clients/client-template.ts';
import { registerClient } from '../../clients/register-client.ts';
import { forgetClientRoles } from '../../roles/manage-roles.ts';
import { AdminProblem, type AdminDeps, invalid, recordAdmin } from '../admin-deps.ts';
import { resourceLockKey, withChangeLock } from '../change-lock.ts';
import { versionTag } from '../version-tag.ts';
import { parseInput } from './parse-input.ts';
import { type ClientCreateInput, type ClientPatch, clientCreateSchema, clientPatchSchema } from './schemas.ts';
import { type ClientView, findStoredClient, getClient, storedClient, unknownApiMessage, unknownApis } from './views.ts';

/** The provider's own clients are registered at every start: changing them would only break the account pages or the console. */
function refuseBuiltIn(id: string): void {
  if (BUILT_IN_CLIENTS.includes(id))
    throw invalid(`${id} is one of the provider's own clients: it cannot be changed here`);
}

/**
 * A client for an API that does not exist could never get a token, so a mistyped indicator is
 * refused here, where every door (API, console, CLI, configuration file) defines clients.
 */
async function refuseUnknownResources(deps: AdminDeps, indicators: readonly string[] = []): Promise<void> {
  const found = await unknownApis(deps, indicators);
  if (found.unknown.length > 0) throw invalid(unknownApiMessage(found));
}

/** A client's metadata from its type and settings (clients/client-template.ts sets safe defaults). */
export function clientMetadata(input: ClientCreateInput): ClientMetadata {
  try {
    return clientTemplate({
      type: input.type,
      id: input.id,
      name: input.name,
      redirectUri: input.redirect_uris,
      postLogoutUri: input.post_logout_redirect_uris,
      resource: input.resources,
      firstParty: input.first_party,
      requireMfa: input.require_mfa,
      requirePasskey: input.require_passkey,
      requireVerifiedEmail: input.require_verified_email,
      requirePar: input.require_par,
      requireDpop: input.require_dpop,
      backchannelLogoutUri: input.backchannel_logout_uri,
      exchangeResource: input.exchange?.resources,
      exchangeSubjectAudience: input.exchange?.subject_audiences,
      exchangeSubjectClient: input.exchange?.subject_clients,
      exchangeScope: input.exchange?.scopes,
      actor: input.exchange?.actor,
      resourceServerOf: input.resource_server_of,
      introspectAny: input.introspect_any,
    });
  } catch (err) {
    throw invalid((err as Error).message);
  }
}

/** Validates the metadata with oidc-provider and stores it; its refusal is the administrator's to read. */
async function saveClient(
  deps: AdminDeps,
  metadata: ClientMetadata,
  options: { rotateSecret?: boolean; secret?: string } = {},
) {
  try {
    return await registerClient(await deps.provider(), deps.connection, metadata, options);
  } catch (err) {
    const described = err as { error_description?: string; message?: string };
    throw invalid(described.error_description ?? described.message ?? 'invalid client metadata');
  }
}

/**
 * Registers a client from a type and its settings. `secret`: one the operator manages (a
 * configuration file's); otherwise a confidential client gets a new one, returned once.
 */
export async function createClient(
  deps: AdminDeps,
  input: ClientCreateInput,
  options: { secret?: string } = {},
): Promise<{ clientId: string; clientSecret?: string }> {
  const parsed = parseInput(clientCreateSchema, input);
  const metadata = clientMetadata(parsed);
  if (parsed.id && (await findStoredClient(deps, parsed.id))) throw invalid(`a client ${parsed.id} exists already`);
  await refuseUnknownResources(deps, metadata.allowed_resources as string[] | undefined);
  const result = await saveClient(deps, metadata, options);
  await recordAdmin(deps, 'admin.client.added', { client: result.clientId });
  return result;
}

/** A change based on a version that is no longer the stored one (someone changed it since). */
const staleChange = () =>
  new AdminProblem(409, 'precondition-failed', 'changed since you read it: read it again and retry');

/**
 * How a change to an existing client is guarded. `version`: the version tag it was read at, the
 * change is refused if it is no longer the stored one. The admin API's If-Match handling holds the
 * same change lock around its own check; the lock is re-entrant, so this takes it once.
 */
interface ChangeGuard {
  version?: string;
}

/** Runs a change to client `id` as the only change to it in progress, on any instance. */
async function changeAt<T>(deps: AdminDeps, id: string, guard: ChangeGuard, work: () => Promise<T>) {
  return withChangeLock(deps.connection, resourceLockKey('/clients/{id}', { id }), async () => {
    if (guard.version !== undefined && versionTag(await getClient(deps, id)) !== guard.version) throw staleChange();
    return work();
  });
}

/** Changes the fields an administrator may change on an existing client. */
export async function updateClient(
  deps: AdminDeps,
  id: string,
  patch: ClientPatch,
  guard: ChangeGuard = {},
): Promise<ClientView> {
  refuseBuiltIn(id);
  const changes = parseInput(clientPatchSchema, patch);
  return changeAt(deps, id, guard, async () => {
    const current = await storedClient(deps, id);
    await refuseUnknownResources(deps, changes.allowed_resources);
    // A null in the patch removes that setting (a back-channel logout URI no longer wanted).
    const changed = Object.entries({ ...current, ...changes }).filter(([, value]) => value !== null);
    const result = await saveClient(deps, Object.fromEntries(changed) as ClientMetadata);
    await recordAdmin(deps, 'admin.client.updated', { client: id, details: { fields: Object.keys(changes) } });
    return getClient(deps, result.clientId);
  });
}

/**
 * Brings an existing client in line with its declared settings (a configuration file's): the
 * declared metadata replaces the template's fields, the rest is left alone. `fields` are the ones
 * that differ, for the audit record.
 */
export async function replaceClient(
  deps: AdminDeps,
  input: ClientCreateInput & { id: string },
  options: { secret?: string; fields: string[] },
): Promise<{ clientSecret?: string }> {
  refuseBuiltIn(input.id);
  const metadata = clientMetadata(parseInput(clientCreateSchema, input));
  return changeAt(deps, input.id, {}, async () => {
    const current = await storedClient(deps, input.id);
    await refuseUnknownResources(deps, metadata.allowed_resources as string[] | undefined);
    const { clientSecret } = await saveClient(deps, { ...current, ...metadata }, { secret: options.secret });
    await recordAdmin(deps, 'admin.client.updated', { client: input.id, details: { fields: options.fields } });
    return clientSecret ? { clientSecret } : {};
  });
}

/**
 * A new secret, returned once; the old one stops working. Under the change lock: a change in
 * progress has read the old secret's hash and would save it back over the new one.
 */
export async function rotateClientSecret(deps: AdminDeps, id: string): Promise<string> {
  refuseBuiltIn(id);
  return changeAt(deps, id, {}, async () => {
    const { clientSecret } = await saveClient(deps, await storedClient(deps, id), { rotateSecret: true });
    if (!clientSecret) throw invalid(`${id} is a public client: it has no secret`);
    await recordAdmin(deps, 'admin.client.secret_rotated', { client: id });
    return clientSecret;
  });
}

/** Deletes a client: its grants are revoked, its roles forgotten, its tokens stop working. */
export async function deleteClient(deps: AdminDeps, id: string, guard: ChangeGuard = {}): Promise<void> {
  refuseBuiltIn(id);
  await changeAt(deps, id, guard, async () => {
    await storedClient(deps, id);
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
  });
}
