/**
 * npm run admin -- <group> <command> [options]   (npm run admin -- --help)
 * Operates on the database named by MONGODB_URI (and MONGODB_DATABASE), with the same
 * configuration variables as the provider. Exit codes: 0 done, 1 refused or failed (the message
 * says why), 2 bad configuration.
 */
import { Command } from 'commander';

import { ConfigError } from '../provider/config.ts';
import { applyCommand } from './admin/apply-command.ts';
import { AdminConfigurationError, AdminError, openAdminContext, type AdminContext } from './admin/admin-context.ts';
import { auditCommand } from './admin/audit-command.ts';
import { clientsCommand } from './admin/clients-command.ts';
import { groupsCommand } from './admin/groups-command.ts';
import { idpsCommand } from './admin/idps-command.ts';
import { rolesCommand } from './admin/roles-command.ts';
import { keysCommand } from './admin/keys-command.ts';
import { passkeysCommand } from './admin/passkeys-command.ts';
import { resourcesCommand } from './admin/resources-command.ts';
import { usersCommand } from './admin/users-command.ts';

/** Opens the database for one command, runs it, and turns every failure into a message and an exit code. */
async function run(action: (ctx: AdminContext) => Promise<void>): Promise<void> {
  let ctx: AdminContext | undefined;
  try {
    ctx = await openAdminContext();
    await action(ctx);
  } catch (err) {
    const known = err instanceof AdminError || err instanceof ConfigError;
    const described = err as { error_description?: string; message?: string };
    process.stderr.write(
      `error: ${known ? described.message : (described.error_description ?? described.message ?? String(err))}\n`,
    );
    process.exitCode = err instanceof ConfigError || err instanceof AdminConfigurationError ? 2 : 1;
  } finally {
    await ctx?.close();
  }
}

const program = new Command('admin')
  .description(
    'meshid administration: clients, resources, users, groups, roles, passkeys, upstream identity providers, keys, audit',
  )
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 1));

clientsCommand(program, run);
resourcesCommand(program, run);
usersCommand(program, run);
passkeysCommand(program, run);
idpsCommand(program, run);
groupsCommand(program, run);
rolesCommand(program, run);
keysCommand(program, run);
auditCommand(program, run);
applyCommand(program, run);

await program.parseAsync(process.argv);
