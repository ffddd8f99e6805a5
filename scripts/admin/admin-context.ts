import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import mongoose, { type Connection } from 'mongoose';
import type { Provider } from 'oidc-provider';

import { loadConfig, type Config } from '../../provider/config.ts';
import { ensureIndexes } from '../../provider/ensure-indexes.ts';
import type { ProviderKeys } from '../../provider/keys/key-store.ts';
import { createLogger } from '../../provider/observability/logger.ts';
import { createMetrics } from '../../provider/observability/metrics.ts';
import { createProvider } from '../../provider/oidc/create-provider.ts';
import { auditKey } from '../../provider/security/audit-hash.ts';
import { ResourceServerDirectory } from '../../provider/resources/resource-server-directory.ts';
import { AccessDirectory } from '../../provider/roles/access-directory.ts';
import { AuditLog } from '../../provider/security/audit-log.ts';
import type { AdminDeps } from '../../provider/admin/admin-deps.ts';

/**
 * What every admin command works with: the configuration, the database, and the admin services'
 * dependencies. Commands record nothing themselves: each service writes its own audit record.
 */
export interface AdminContext {
  config: Config;
  connection: Connection;
  /** an oidc-provider built with the real configuration, only to validate client metadata */
  validator(): Promise<Provider>;
  /** the administrative services' dependencies, as the CLI (provider/admin/) */
  admin(): AdminDeps;
  close(): Promise<void>;
}

export class AdminError extends Error {}

/** How each command runs its action: with a context opened for it, errors printed, closed after. */
export type Run = (action: (ctx: AdminContext) => Promise<void>) => Promise<void>;

/** The environment is not enough to run (exit 2, like a ConfigError). */
export class AdminConfigurationError extends AdminError {}

async function throwawayKeys(): Promise<ProviderKeys> {
  const signing: JWK[] = [];
  for (const alg of ['ES256', 'RS256']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    signing.push({ ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) });
  }
  return { signing, published: [], cookie: ['unused'], version: 0, currentSince: {} };
}

export async function openAdminContext(): Promise<AdminContext> {
  const config = loadConfig(process.env);
  if (!config.mongodbUri)
    throw new AdminConfigurationError(
      "MONGODB_URI is not set: the admin CLI works on a real database, or on the demo's embedded one while `npm start` runs (its banner prints the command)",
    );
  const connection = mongoose.createConnection(config.mongodbUri, {
    dbName: config.mongodbDatabase,
    autoCreate: false,
    autoIndex: false,
    serverSelectionTimeoutMS: config.databaseTimeoutMs,
  });
  await connection.asPromise();
  await ensureIndexes(connection);
  const logger = createLogger('silent');
  const audit = new AuditLog(connection, logger, { key: auditKey(config.keys.encryptionKey) });
  let provider: Provider | undefined;
  const context: AdminContext = {
    config,
    connection,
    async validator() {
      provider ??= createProvider({
        config,
        connection,
        keys: await throwawayKeys(),
        // It only validates metadata: it never renders a page.
        renderPage: () => undefined,
        directory: new ResourceServerDirectory(connection, 0),
        access: new AccessDirectory(connection, 0),
        logger,
        audit,
        metrics: createMetrics(() => ({})),
      });
      return provider;
    },
    admin() {
      return {
        connection,
        audit,
        provider: () => context.validator(),
        actor: { via: 'cli' },
        issuer: config.issuer,
        keys: {
          encryptionKey: config.keys.encryptionKey,
          retiredRetentionSeconds: config.keys.retiredRetentionSeconds,
        },
      };
    },
    close: () => connection.close(),
  };
  return context;
}
