import { readFile } from 'node:fs/promises';

import type { Connection } from 'mongoose';

import { adminApiIndicator } from '../admin/admin-api-resource.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { CONSOLE_CLIENT_ID } from '../admin/console/console-client.ts';
import type { Config } from '../config.ts';
import { applyDeclaration, describeChanges } from '../declarative/apply-declaration.ts';
import { parseDeclaration } from '../declarative/parse-declaration.ts';
import { secretResolver } from '../declarative/secret-reference.ts';
import { type DemoSeed, seedDemo } from '../demo/seed-demo.ts';
import type { Logger } from '../observability/logger.ts';
import type { ProviderHolder } from '../oidc/provider-holder.ts';
import type { AuditLog } from '../security/audit-log.ts';
import { ACCOUNT_CLIENT_ID } from '../self-service/account-client.ts';

interface StartupChangesInput {
  config: Config;
  connection: Connection;
  audit: AuditLog;
  holder: ProviderHolder;
  logger: Logger;
  /** where the configuration file's secret references ({ env: NAME }) are looked up */
  environment: Readonly<Record<string, string | undefined>>;
}

/** MESHID_CONFIG at start-up: what the file declares is made true; a bad file stops start-up. */
async function applyConfigFile(
  config: Config,
  admin: AdminDeps,
  logger: Logger,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const file = config.configFile!;
  const declaration = parseDeclaration(await readFile(file, 'utf8'), file);
  const result = await applyDeclaration(admin, declaration, {
    resolveSecret: secretResolver(environment, config.secretsDir),
    keepClients: [ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID],
    keepResources: [adminApiIndicator(config.issuer)],
    passwordMinLength: config.passwordMinLength,
    passwordHashing: config.passwordHashing,
  });
  logger.info({ file, changes: describeChanges(result.changes) }, 'configuration file applied');
  // Generated secrets are shown once, like the demo's: on the console, never in the log.
  for (const { kind, id, secret } of result.generated)
    process.stdout.write(`${kind} ${id}: generated secret ${secret} (shown once)\n`);
}

/**
 * The configuration file (MESHID_CONFIG), then the demo (DEMO_SEED). They are administrative
 * changes like any other: audited as `via: config`.
 */
export async function applyStartupChanges({
  config,
  connection,
  audit,
  holder,
  logger,
  environment,
}: StartupChangesInput): Promise<DemoSeed | undefined> {
  const admin: AdminDeps = {
    connection,
    audit,
    provider: () => holder.provider,
    actor: { via: 'config' },
    issuer: config.issuer,
    keys: { encryptionKey: config.keys.encryptionKey, retiredRetentionSeconds: config.keys.retiredRetentionSeconds },
  };
  if (config.configFile !== undefined) {
    await applyConfigFile(config, admin, logger, environment);
  }
  const demo = config.demoSeed ? await seedDemo(admin) : undefined;
  if (demo && config.mongodbUri !== undefined)
    logger.warn({ risky: true }, 'demo seeded into a kept database: its secrets were printed to the console');
  return demo;
}
