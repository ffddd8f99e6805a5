import { clientDrift } from '../admin/clients/drift.ts';
import { createClient, deleteClient, replaceClient } from '../admin/clients/operations.ts';
import type { ClientCreateInput } from '../admin/clients/schemas.ts';
import { listClients, unknownApiMessage, unknownApis } from '../admin/clients/views.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import type { ApplyOptions, ApplyResult, Change } from './apply-declaration.ts';
import type { Declaration, DeclaredClient } from './declaration.ts';

/** A declared client as the client operations' input (provider/admin/clients/schemas.ts). */
function clientInput(declared: DeclaredClient): ClientCreateInput & { id: string } {
  return {
    type: declared.type,
    id: declared.id,
    name: declared.name,
    redirect_uris: declared.redirectUris,
    post_logout_redirect_uris: declared.postLogoutRedirectUris,
    resources: declared.resources,
    first_party: declared.firstParty,
    require_mfa: declared.requireMfa,
    require_passkey: declared.requirePasskey,
    require_verified_email: declared.requireVerifiedEmail,
    require_par: declared.requirePar,
    require_dpop: declared.requireDpop,
    resource_server_of: declared.resourceServerOf,
    introspect_any: declared.introspectAny,
    ...(declared.exchange
      ? {
          exchange: {
            resources: declared.exchange.resources,
            subject_audiences: declared.exchange.subjectAudiences,
            subject_clients: declared.exchange.subjectClients,
            scopes: declared.exchange.scopes,
            actor: declared.exchange.actor,
          },
        }
      : {}),
  };
}

/**
 * The clients a file declares, created or brought in line through the client operations, each
 * audited like an API call (a generated secret is made once).
 */
export async function applyClients(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
  generated: ApplyResult['generated'],
): Promise<Change[]> {
  const changes: Change[] = [];
  for (const declared of declaration.clients) {
    const input = clientInput(declared);
    const secret =
      declared.secret === undefined ? undefined : options.resolveSecret(declared.secret, `client ${declared.id}`);
    const { exists, fields } = await clientDrift(deps, input, secret);
    changes.push({
      kind: 'client',
      id: declared.id,
      action: !exists ? 'create' : fields.length ? 'update' : 'unchanged',
      fields: fields.length ? fields : undefined,
    });
    if (options.dryRun || (exists && !fields.length)) continue;
    // Keeps a stored secret unless the file names one: a generated secret is made once.
    const { clientSecret } = exists
      ? await replaceClient(deps, input, { secret, fields })
      : await createClient(deps, input, { secret });
    if (clientSecret && declared.secret === 'generated')
      generated.push({ kind: 'client', id: declared.id, secret: clientSecret });
  }
  return changes;
}

/** With `prune`: the clients the file does not declare (nor `keepClients`) are deleted, their grants revoked. */
export async function pruneClients(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<Change[]> {
  const changes: Change[] = [];
  const keep = new Set([...declaration.clients.map((c) => c.id), ...(options.keepClients ?? [])]);
  for (const { client_id: id } of await listClients(deps)) {
    if (keep.has(String(id))) continue;
    changes.push({ kind: 'client', id: String(id), action: 'delete' });
    if (!options.dryRun) await deleteClient(deps, String(id));
  }
  return changes;
}

/**
 * A client for an API that is neither declared nor stored could never get a token: a mistyped
 * indicator stops the apply before any write, naming the client and the known APIs.
 */
export async function refuseUnknownResources(deps: AdminDeps, declaration: Declaration): Promise<void> {
  const declared = declaration.resources.map((r) => r.indicator);
  for (const client of declaration.clients) {
    const found = await unknownApis(deps, client.resources ?? [], declared);
    if (found.unknown.length > 0) throw new Error(`client ${client.id}: ${unknownApiMessage(found)}`);
  }
}
