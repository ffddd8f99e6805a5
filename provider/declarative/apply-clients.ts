import type { ClientMetadata } from 'oidc-provider';

import { MongoAdapter, oidcModel, revokeGrants } from '../../adapters/mongodb.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { clientSecretMatches } from '../clients/client-secret.ts';
import { clientTemplate } from '../clients/client-template.ts';
import { registerClient } from '../clients/register-client.ts';
import { resourceServerModel } from '../resources/resource-server-model.ts';
import type { ApplyOptions, ApplyResult, Change } from './apply-declaration.ts';
import { differences } from './differences.ts';
import type { Declaration, DeclaredClient } from './declaration.ts';

function clientMetadata(declared: DeclaredClient): ClientMetadata {
  return clientTemplate({
    type: declared.type,
    id: declared.id,
    name: declared.name,
    redirectUri: declared.redirectUris,
    postLogoutUri: declared.postLogoutRedirectUris,
    resource: declared.resources,
    firstParty: declared.firstParty,
    requireMfa: declared.requireMfa,
    requirePasskey: declared.requirePasskey,
    requireVerifiedEmail: declared.requireVerifiedEmail,
    requirePar: declared.requirePar,
    requireDpop: declared.requireDpop,
    resourceServerOf: declared.resourceServerOf,
    introspectAny: declared.introspectAny,
    exchangeResource: declared.exchange?.resources,
    exchangeSubjectAudience: declared.exchange?.subjectAudiences,
    exchangeSubjectClient: declared.exchange?.subjectClients,
    exchangeScope: declared.exchange?.scopes,
    actor: declared.exchange?.actor,
  });
}

/** The clients a file declares, created or brought in line (a generated secret is made once). */
export async function applyClients(
  deps: AdminDeps,
  declaration: Declaration,
  options: ApplyOptions,
  generated: ApplyResult['generated'],
): Promise<Change[]> {
  const changes: Change[] = [];
  const write = !options.dryRun;
  const clients = new MongoAdapter(deps.connection, 'Client');
  for (const declared of declaration.clients) {
    const metadata = clientMetadata(declared);
    const secret =
      declared.secret === undefined ? undefined : options.resolveSecret(declared.secret, `client ${declared.id}`);
    const stored = (await clients.find(declared.id)) as ClientMetadata | undefined;
    const fields = stored ? differences(metadata as Record<string, unknown>, stored as Record<string, unknown>) : [];
    if (stored && secret !== undefined && !clientSecretMatches(stored.client_secret as string | undefined, secret))
      fields.push('client_secret');
    changes.push({
      kind: 'client',
      id: declared.id,
      action: !stored ? 'create' : fields.length ? 'update' : 'unchanged',
      fields: fields.length ? fields : undefined,
    });
    if (write && (!stored || fields.length)) {
      // Keeps a stored secret unless the file names one: a generated secret is made once.
      const registered = await registerClient(
        await deps.provider(),
        deps.connection,
        { ...stored, ...metadata },
        { secret },
      );
      if (registered.clientSecret && declared.secret === 'generated')
        generated.push({ kind: 'client', id: declared.id, secret: registered.clientSecret });
    }
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
  const clients = new MongoAdapter(deps.connection, 'Client');
  const keep = new Set([...declaration.clients.map((c) => c.id), ...(options.keepClients ?? [])]);
  for (const { _id } of await oidcModel(deps.connection, 'Client').find({}, { _id: 1 }).lean<{ _id: string }[]>()) {
    if (keep.has(_id)) continue;
    changes.push({ kind: 'client', id: _id, action: 'delete' });
    if (options.dryRun) continue;
    await clients.destroy(_id);
    const grants = await oidcModel(deps.connection, 'Grant')
      .find({ 'payload.clientId': _id }, { _id: 1 })
      .lean<{ _id: string }[]>();
    await revokeGrants(
      deps.connection,
      grants.map((grant) => grant._id),
    );
  }
  return changes;
}

/**
 * A client for an API that is neither declared nor stored could never get a token: a mistyped
 * indicator stops the apply before any write, naming the client and the known APIs.
 */
export async function refuseUnknownResources(deps: AdminDeps, declaration: Declaration): Promise<void> {
  const stored = await resourceServerModel(deps.connection).find({}, { _id: 1 }).lean();
  const known = [...new Set([...stored.map((s) => s._id), ...declaration.resources.map((r) => r.indicator)])].sort();
  for (const client of declaration.clients) {
    const unknown = (client.resources ?? []).filter((indicator) => !known.includes(indicator));
    if (unknown.length > 0)
      throw new Error(
        `client ${client.id}: unknown API ${unknown.join(', ')} (known: ${known.length > 0 ? known.join(', ') : 'none yet'})`,
      );
  }
}
