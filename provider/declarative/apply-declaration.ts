import { randomBytes } from 'node:crypto';
import type { PasswordHashingConfig } from '../config.ts';

import type { Connection } from 'mongoose';
import type { ClientMetadata, Provider } from 'oidc-provider';

import { MongoAdapter, oidcModel, revokeGrants } from '../../adapters/mongodb.ts';
import { accountModel } from '../accounts/account-model.ts';
import { createAccount } from '../accounts/create-account.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import { clientSecretMatches } from '../clients/client-secret.ts';
import { clientTemplate } from '../clients/client-template.ts';
import { registerClient } from '../clients/register-client.ts';
import { saveResourceServer } from '../resources/resource-server-directory.ts';
import { resourceServerModel, type ResourceServerRecord } from '../resources/resource-server-model.ts';
import type { Declaration, DeclaredClient, DeclaredResource } from './declaration.ts';
import type { ResolveSecret } from './secret-reference.ts';
import { applyAccess } from './apply-access.ts';

export interface Change {
  kind: 'resource' | 'client' | 'user' | 'role' | 'group' | 'member' | 'assignment';
  id: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  /** what differs, for an update */
  fields?: string[];
}

export interface ApplyOptions {
  resolveSecret: ResolveSecret;
  /** compute the changes, make none */
  dryRun?: boolean;
  /** delete resources and clients the file does not declare (users are never pruned) */
  prune?: boolean;
  /** clients that are never pruned (the account pages' and the console's own) */
  keepClients?: string[];
  /** resources that are never pruned (the admin API) */
  keepResources?: string[];
  /** PASSWORD_MIN_LENGTH, for declared users */
  passwordMinLength?: number;
  /** PASSWORD_HASH_*, for declared users' passwords */
  passwordHashing?: PasswordHashingConfig;
}

export interface ApplyResult {
  changes: Change[];
  /** secrets and passwords made here (`generated`), shown once */
  generated: { kind: 'client' | 'user'; id: string; secret: string }[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function resourceRecord(declared: DeclaredResource): Omit<ResourceServerRecord, 'createdAt'> {
  return {
    _id: declared.indicator,
    name: declared.name,
    scopes: declared.scopes,
    accessTokenTtl: declared.accessTokenTtl,
    ...(declared.scopeAccess ? { scopeAccess: declared.scopeAccess } : {}),
    ...(declared.groupsClaim !== undefined ? { groupsClaim: declared.groupsClaim } : {}),
    scopeDescriptions:
      declared.scopeDescriptions &&
      Object.entries(declared.scopeDescriptions).map(([scope, text]) => ({ scope, text })),
  };
}

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

/** Which of the declared fields differ from what is stored (only declared fields are managed). */
function differences(declared: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  return Object.entries(declared)
    .filter(([, value]) => value !== undefined)
    .filter(([key, value]) => !same(value, stored[key]))
    .map(([key]) => key);
}

/**
 * Applies a configuration file's declaration, idempotently: what it declares is created, or
 * updated where the stored copy drifted (declared fields win; undeclared fields are left alone),
 * and nothing else changes unless `prune` deletes undeclared resources and clients. Users are
 * created with their first password and never changed afterwards. With `dryRun` only the
 * changes are computed.
 */
export async function applyDeclaration(
  provider: Provider,
  connection: Connection,
  declaration: Declaration,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const changes: Change[] = [];
  const generated: ApplyResult['generated'] = [];
  const write = !options.dryRun;
  await refuseUnknownResources(connection, declaration);

  const Resources = resourceServerModel(connection);
  for (const declared of declaration.resources) {
    const record = resourceRecord(declared);
    const stored = await Resources.findById(declared.indicator).lean<ResourceServerRecord>();
    const fields = stored
      ? differences({ ...record, _id: undefined }, stored as unknown as Record<string, unknown>)
      : [];
    changes.push({
      kind: 'resource',
      id: declared.indicator,
      action: !stored ? 'create' : fields.length ? 'update' : 'unchanged',
      fields: fields.length ? fields : undefined,
    });
    if (write && (!stored || fields.length)) await saveResourceServer(connection, record);
  }

  const clients = new MongoAdapter(connection, 'Client');
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
      const registered = await registerClient(provider, connection, { ...stored, ...metadata }, { secret });
      if (registered.clientSecret && declared.secret === 'generated')
        generated.push({ kind: 'client', id: declared.id, secret: registered.clientSecret });
    }
  }

  const Accounts = accountModel(connection);
  for (const declared of declaration.users) {
    const email = normalizeEmail(declared.email);
    const exists = await Accounts.exists({ email });
    changes.push({ kind: 'user', id: email, action: exists ? 'unchanged' : 'create' });
    if (write && !exists) {
      const password =
        options.resolveSecret(declared.password, `user ${email}`) ?? randomBytes(12).toString('base64url');
      await createAccount(
        connection,
        { email, password, name: declared.name, emailVerified: true },
        { minPasswordLength: options.passwordMinLength, hashing: options.passwordHashing },
      );
      if (declared.password === 'generated') generated.push({ kind: 'user', id: email, secret: password });
    }
  }

  changes.push(...(await applyAccess(connection, declaration, write)));

  if (options.prune) {
    const declaredResources = new Set([
      ...declaration.resources.map((r) => r.indicator),
      ...(options.keepResources ?? []),
    ]);
    for (const { _id } of await Resources.find({}, { _id: 1 }).lean<{ _id: string }[]>()) {
      if (declaredResources.has(_id)) continue;
      changes.push({ kind: 'resource', id: _id, action: 'delete' });
      if (write) await Resources.deleteOne({ _id });
    }
    const keep = new Set([...declaration.clients.map((c) => c.id), ...(options.keepClients ?? [])]);
    for (const { _id } of await oidcModel(connection, 'Client').find({}, { _id: 1 }).lean<{ _id: string }[]>()) {
      if (keep.has(_id)) continue;
      changes.push({ kind: 'client', id: _id, action: 'delete' });
      if (!write) continue;
      await clients.destroy(_id);
      const grants = await oidcModel(connection, 'Grant')
        .find({ 'payload.clientId': _id }, { _id: 1 })
        .lean<{ _id: string }[]>();
      await revokeGrants(
        connection,
        grants.map((grant) => grant._id),
      );
    }
  }
  return { changes, generated };
}

/** The changes as lines a person reads: + create, ~ update (fields), - delete; unchanged left out. */
export function describeChanges(changes: Change[]): string[] {
  const mark = { create: '+', update: '~', delete: '-', unchanged: '=' } as const;
  return changes
    .filter((change) => change.action !== 'unchanged')
    .map(
      (change) =>
        `${mark[change.action]} ${change.kind} ${change.id}${change.fields ? ` (${change.fields.join(', ')})` : ''}`,
    );
}

/**
 * A client for an API that is neither declared nor stored could never get a token: a mistyped
 * indicator stops the apply before any write, naming the client and the known APIs.
 */
async function refuseUnknownResources(connection: Connection, declaration: Declaration): Promise<void> {
  const stored = await resourceServerModel(connection).find({}, { _id: 1 }).lean();
  const known = [...new Set([...stored.map((s) => s._id), ...declaration.resources.map((r) => r.indicator)])].sort();
  for (const client of declaration.clients) {
    const unknown = (client.resources ?? []).filter((indicator) => !known.includes(indicator));
    if (unknown.length > 0)
      throw new Error(
        `client ${client.id}: unknown API ${unknown.join(', ')} (known: ${known.length > 0 ? known.join(', ') : 'none yet'})`,
      );
  }
}
