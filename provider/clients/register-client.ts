import type { Connection } from 'mongoose';
import type { ClientMetadata, Provider } from 'oidc-provider';

import { MongoAdapter } from '../../adapters/mongodb.ts';
import { generateClientSecret, hashClientSecret } from './client-secret.ts';
import { assertRedirectUris } from './redirect-uri-policy.ts';

interface RegisteredClient {
  clientId: string;
  /** present once, for confidential clients; only its hash is stored */
  clientSecret?: string;
}

const NEEDS_SECRET = new Set(['client_secret_basic', 'client_secret_post']);

/**
 * Validates client metadata with oidc-provider's own schema and stores it, hashing a fresh
 * secret for confidential clients (or the given `secret`). Re-registering an id keeps its
 * stored secret hash unless `rotateSecret` is set or a `secret` is given.
 */
export async function registerClient(
  provider: Provider,
  connection: Connection,
  metadata: ClientMetadata,
  { rotateSecret = false, secret }: { rotateSecret?: boolean; secret?: string } = {},
): Promise<RegisteredClient> {
  const adapter = new MongoAdapter(connection, 'Client');
  const existing = await adapter.find(metadata.client_id);
  const authMethod = metadata.token_endpoint_auth_method ?? 'client_secret_basic';

  let clientSecret: string | undefined;
  const stored: ClientMetadata = { ...metadata };
  delete stored.client_secret;
  if (NEEDS_SECRET.has(authMethod)) {
    if (secret !== undefined) {
      // A secret the operator manages (a configuration file's reference): only its hash is kept.
      stored.client_secret = hashClientSecret(secret);
    } else if (existing?.client_secret && !rotateSecret) {
      stored.client_secret = existing.client_secret as string;
    } else {
      clientSecret = generateClientSecret();
      stored.client_secret = hashClientSecret(clientSecret);
    }
  }

  // Throws InvalidClientMetadata with a clear description on anything refused.
  assertRedirectUris(stored);
  await provider.Client.validate(stored);
  await adapter.upsert(stored.client_id, stored);
  return { clientId: stored.client_id, clientSecret };
}
