import type { ClientMetadata } from 'oidc-provider';

import { MongoAdapter, oidcModel } from '../../../adapters/mongodb.ts';
import { resourceServerModel } from '../../resources/resource-server-model.ts';
import { type AdminDeps, notFound } from '../admin-deps.ts';

/** A client as administrators see it: everything but its secret (or its hash). */
export type ClientView = Omit<ClientMetadata, 'client_secret'>;

const view = ({ client_secret: _secret, ...rest }: ClientMetadata): ClientView => rest;

/** The stored metadata, secret hash included: for the operations, never for a door. */
export async function storedClient(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<ClientMetadata> {
  const metadata = await findStoredClient(deps, id);
  if (!metadata) throw notFound(`client ${id}`);
  return metadata;
}

export async function findStoredClient(
  deps: Pick<AdminDeps, 'connection'>,
  id: string,
): Promise<ClientMetadata | undefined> {
  return (await new MongoAdapter(deps.connection, 'Client').find(id)) as ClientMetadata | undefined;
}

/** Clients by id, a page at a time (`after`: the last id of the previous page; no `limit`: all). */
export async function listClients(
  deps: Pick<AdminDeps, 'connection'>,
  options: { after?: string; limit?: number; dynamic?: boolean } = {},
): Promise<ClientView[]> {
  const filter = {
    ...(options.dynamic ? { 'payload.dynamic_client': true } : {}),
    ...(options.after ? { _id: { $gt: options.after } } : {}),
  };
  const query = oidcModel(deps.connection, 'Client').find(filter).sort({ _id: 1 });
  const records = await (options.limit ? query.limit(options.limit) : query).lean();
  return records.map(({ payload }) => view(payload as ClientMetadata));
}

export async function getClient(deps: Pick<AdminDeps, 'connection'>, id: string): Promise<ClientView> {
  return view(await storedClient(deps, id));
}

/** The APIs a client may be given (their resource indicators), sorted. */
export async function knownApis(deps: Pick<AdminDeps, 'connection'>): Promise<string[]> {
  const all = await resourceServerModel(deps.connection).find({}, { _id: 1 }).sort({ _id: 1 }).lean();
  return all.map((server) => server._id);
}

/**
 * The indicators that name no API: `alsoKnown` are APIs about to exist (a configuration file's),
 * so a file can declare an API and its clients together.
 */
export async function unknownApis(
  deps: Pick<AdminDeps, 'connection'>,
  indicators: readonly string[],
  alsoKnown: readonly string[] = [],
): Promise<{ unknown: string[]; known: string[] }> {
  if (indicators.length === 0) return { unknown: [], known: [] };
  const known = [...new Set([...(await knownApis(deps)), ...alsoKnown])].sort();
  return { unknown: indicators.filter((indicator) => !known.includes(indicator)), known };
}

/** The message every door gives for a client of an API that does not exist. */
export const unknownApiMessage = ({ unknown, known }: { unknown: string[]; known: string[] }) =>
  `unknown API ${unknown.join(', ')} (known: ${known.length > 0 ? known.join(', ') : 'none yet'})`;
