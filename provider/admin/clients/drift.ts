import { clientSecretMatches } from '../../clients/client-secret.ts';
import { differences } from '../../declarative/differences.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { clientMetadata } from './operations.ts';
import type { ClientCreateInput } from './schemas.ts';
import { findStoredClient } from './views.ts';

/**
 * How a stored client differs from the settings declared for it (a configuration file's): the
 * metadata fields that differ, and `client_secret` when a declared secret is not the stored one.
 * Read only, so a dry run tells the same story as the apply.
 */
export async function clientDrift(
  deps: Pick<AdminDeps, 'connection'>,
  input: ClientCreateInput & { id: string },
  secret?: string,
): Promise<{ exists: boolean; fields: string[] }> {
  const stored = await findStoredClient(deps, input.id);
  if (!stored) return { exists: false, fields: [] };
  const fields = differences(clientMetadata(input) as Record<string, unknown>, stored as Record<string, unknown>);
  if (secret !== undefined && !clientSecretMatches(stored.client_secret as string | undefined, secret))
    fields.push('client_secret');
  return { exists: true, fields };
}
