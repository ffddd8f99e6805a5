import type { Command } from 'commander';

import { putRole, removeRole, roleView, rolesView, setRoleHolder } from '../../provider/admin/access/roles.ts';
import type { Holding } from '../../provider/admin/access/schemas.ts';
import { AdminError, type AdminContext, type Run } from './admin-context.ts';
import { findUser } from './find-user.ts';
import { print } from './output.ts';

export function rolesCommand(program: Command, run: Run): void {
  const roles = program.command('roles').description("roles of an API and the API's scopes each one grants");

  roles
    .command('add <api> <role>')
    .description('add a role to an API (its resource indicator), or change the scopes it grants')
    .option('--scopes <scopes>', 'scopes of the API the role grants (space- or comma-separated)', '')
    .option('--description <text>', 'what the role is for')
    .action((api: string, role: string, options: { scopes: string; description?: string }) =>
      run(async (ctx) => {
        const scopes = options.scopes.split(/[\s,]+/).filter(Boolean);
        const result = await putRole(ctx.admin(), {
          resource: api,
          role,
          scopes,
          description: options.description,
        });
        print(`role ${role} of ${api} ${result}`, false);
      }),
    );

  roles
    .command('list [api]')
    .description('roles, of one API or of all')
    .option('--json', 'machine-readable output')
    .action((api: string | undefined, options: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await rolesView(ctx.admin(), api);
        print(
          all.map((r) => ({
            api: r.resource,
            role: r.name,
            scopes: r.scopes.join(' '),
            description: r.description ?? '',
          })),
          options.json,
        );
      }),
    );

  roles
    .command('show <api> <role>')
    .description('a role: the scopes it grants and who holds it directly')
    .option('--json', 'machine-readable output')
    .action((api: string, role: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const found = await roleView(ctx.admin(), { resource: api, role });
        if (options.json) return print(found, true);
        print(`role ${found.name} of ${found.resource}: ${found.scopes.join(' ') || '(no scopes)'}`, false);
        print(
          found.holders.map((h) => ({ holder: h.kind, subject: h.subject, email: h.label ?? '' })),
          false,
        );
      }),
    );

  roles
    .command('delete <api> <role>')
    .description('delete a role and every assignment of it')
    .action((api: string, role: string) =>
      run(async (ctx) => {
        await removeRole(ctx.admin(), { resource: api, role });
        print(`role ${role} of ${api} deleted`, false);
      }),
    );
}

/**
 * `grant-role` and `revoke-role` under `users`, `clients` or `groups`: the same service calls
 * and audit records whoever holds the role.
 */
export function holderRoleCommands(parent: Command, kind: Holding['kind'], run: Run): void {
  const what = { user: '<email>', client: '<client_id>', group: '<group>' }[kind];
  const holder = async (ctx: AdminContext, name: string) => {
    if (kind === 'user') {
      const found = await findUser(ctx, name);
      return { subject: found._id };
    }
    return { subject: name };
  };
  for (const [command, grant] of [
    ['grant-role', true],
    ['revoke-role', false],
  ] as const) {
    parent
      .command(`${command} ${what} <api> <role>`)
      .description(grant ? `give a role of an API to this ${kind}` : `take a role of an API back from this ${kind}`)
      .action((name: string, api: string, role: string) =>
        run(async (ctx) => {
          const { subject } = await holder(ctx, name);
          const changed = await setRoleHolder(ctx.admin(), { kind, subject, resource: api, role }, grant);
          if (!grant && !changed) throw new AdminError(`${name} does not hold ${role} of ${api} directly`);
          print(
            `${name} ${grant ? (changed ? 'now holds' : 'already held') : 'no longer holds'} ${role} of ${api}`,
            false,
          );
        }),
      );
  }
}
