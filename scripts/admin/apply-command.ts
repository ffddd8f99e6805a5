import { adminApiIndicator } from '../../provider/admin/admin-api-resource.ts';
import { CONSOLE_CLIENT_ID } from '../../provider/admin/console/console-client.ts';
import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import { applyDeclaration, describeChanges } from '../../provider/declarative/apply-declaration.ts';
import { DeclarationError, parseDeclaration } from '../../provider/declarative/parse-declaration.ts';
import type { Declaration } from '../../provider/declarative/declaration.ts';
import { secretResolver } from '../../provider/declarative/secret-reference.ts';
import { ACCOUNT_CLIENT_ID } from '../../provider/self-service/account-client.ts';
import { AdminConfigurationError, AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';

/** The file, parsed and checked: unreadable is a refusal (exit 1), a bad file a configuration problem (exit 2). */
async function readDeclaration(file: string): Promise<Declaration> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AdminError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseDeclaration(text, file);
  } catch (err) {
    if (err instanceof DeclarationError) throw new AdminConfigurationError(err.message);
    throw err;
  }
}

export function applyCommand(program: Command, run: Run): void {
  program
    .command('apply <file>')
    .description(
      'make the database match a configuration file (resources, clients, users); see docs/configuration-file.md',
    )
    .option('--dry-run', 'show the changes, make none')
    .option('--prune', 'also delete resources and clients the file does not declare (users are never deleted)')
    .option('--json', 'machine-readable output')
    .action((file: string, options: { dryRun?: boolean; prune?: boolean; json?: boolean }) =>
      run(async (ctx) => {
        const declaration = await readDeclaration(file);
        const result = await applyDeclaration({ ...ctx.admin(), actor: { via: 'config' } }, declaration, {
          // Secret references name variables of this command's environment, or files in its
          // MESHID_SECRETS_DIR.
          resolveSecret: secretResolver(process.env, ctx.config.secretsDir),
          dryRun: options.dryRun,
          prune: options.prune,
          keepClients: [ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID],
          keepResources: [adminApiIndicator(ctx.config.issuer)],
          passwordMinLength: ctx.config.passwordMinLength,
          passwordHashing: ctx.config.passwordHashing,
        });
        const changes = result.changes.filter((change) => change.action !== 'unchanged');
        if (options.json) return print({ dryRun: !!options.dryRun, changes, generated: result.generated }, true);
        const lines = describeChanges(result.changes);
        process.stdout.write(
          `${options.dryRun ? 'would change' : 'changed'}: ${lines.length === 0 ? 'nothing (the database matches the file)' : `\n  ${lines.join('\n  ')}`}\n`,
        );
        for (const { kind, id, secret } of result.generated)
          process.stdout.write(`${kind} ${id}: generated secret ${secret} (shown once)\n`);
      }),
    );
}
