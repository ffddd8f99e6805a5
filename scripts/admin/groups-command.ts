import type { Command } from 'commander';

import { createGroup, groupView, groupsView, removeGroup, setGroupMember } from '../../provider/admin/access/groups.ts';
import { AdminError, type Run } from './admin-context.ts';
import { findUser } from './find-user.ts';
import { print } from './output.ts';
import { holderRoleCommands } from './roles-command.ts';

export function groupsCommand(program: Command, run: Run): void {
  const groups = program
    .command('groups')
    .description('groups of users: their members hold the roles given to the group');

  groups
    .command('add <group>')
    .description('add a group (optionally inside a parent: one level of nesting)')
    .option('--parent <group>', 'the group it sits in: its members also hold the parent’s roles')
    .option('--description <text>', 'what the group is')
    .action((name: string, options: { parent?: string; description?: string }) =>
      run(async (ctx) => {
        await createGroup(ctx.admin(), { name, ...options });
        print(`group ${name} added`, false);
      }),
    );

  groups
    .command('list')
    .description('groups, their parents and how many members each has')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await groupsView(ctx.admin());
        print(
          all.map((g) => ({
            group: g.name,
            parent: g.parent ?? '',
            members: g.members,
            description: g.description ?? '',
          })),
          options.json,
        );
      }),
    );

  groups
    .command('show <group>')
    .description('a group: its members (and who put them there) and the roles given to it')
    .option('--json', 'machine-readable output')
    .action((name: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const group = await groupView(ctx.admin(), name);
        if (options.json) return print(group, true);
        print(
          group.members.map((m) => ({ member: m.email ?? m.id, source: m.source })),
          false,
        );
        for (const r of group.roles) print(`role ${r.role} of ${r.resource}`, false);
      }),
    );

  groups
    .command('delete <group>')
    .description('delete a group with its memberships and role assignments')
    .action((name: string) =>
      run(async (ctx) => {
        await removeGroup(ctx.admin(), name);
        print(`group ${name} deleted`, false);
      }),
    );

  for (const [command, add] of [
    ['add-member', true],
    ['remove-member', false],
  ] as const) {
    groups
      .command(`${command} <group> <email>`)
      .description(add ? 'put a user in the group' : 'take a user out of the group')
      .action((group: string, email: string) =>
        run(async (ctx) => {
          const user = await findUser(ctx, email);
          const changed = await setGroupMember(ctx.admin(), { group, user: user._id }, add);
          if (!add && !changed) throw new AdminError(`${email} is not in ${group}`);
          print(`${email} ${add ? (changed ? 'added to' : 'was already in') : 'removed from'} ${group}`, false);
        }),
      );
  }

  holderRoleCommands(groups, 'group', run);
}
