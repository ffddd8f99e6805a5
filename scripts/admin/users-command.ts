import type { Command } from 'commander';

import { ADMIN_ROLE, VIEWER_ROLE } from '../../provider/admin/admin-api-resource.ts';
import {
  getUser,
  listUsers,
  resetUserMfa,
  setUserDisabled,
  unlockUser,
  type UserView,
} from '../../provider/admin/users.ts';
import { addUser, inviteUser } from '../../provider/admin/users/add-user.ts';
import { grantAdministrator } from '../../provider/admin/users/administrator.ts';
import { unlinkUser, userLinks } from '../../provider/admin/users/linked-sign-ins.ts';
import { resetUserPassword } from '../../provider/admin/users/passwords.ts';
import { endUserSession, userSessions } from '../../provider/admin/users/sessions.ts';
import { sendVerification } from '../../provider/accounts/email-verification.ts';
import type { Run } from './admin-context.ts';
import { withMail } from './admin-mail.ts';
import { findUser } from './find-user.ts';
import { print } from './output.ts';
import { holderRoleCommands } from './roles-command.ts';
import { readSecret } from './read-secret.ts';

const PAGE = 200;

export function usersCommand(program: Command, run: Run): void {
  const users = program.command('users').description('manage user accounts');

  users
    .command('add')
    .description('create a user; the password is read from standard input or a hidden prompt, never from arguments')
    .requiredOption('--email <email>', 'email address (the sign-in name)')
    .option('--name <name>', 'full name')
    .option('--verified', 'mark the email as verified')
    .option('--send-invite', 'mail the user a link to confirm the address')
    .option('--json', 'machine-readable output')
    .action((options: { email: string; name?: string; verified?: boolean; sendInvite?: boolean; json?: boolean }) =>
      run(async (ctx) => {
        const password = await readSecret('Password (not shown): ');
        const id = await addUser(ctx.admin(), ctx.config, {
          email: options.email,
          password,
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.verified ? { email_verified: true } : {}),
        });
        const mailed = options.sendInvite && (await withMail(ctx, (deps) => sendVerification(deps, id)));
        const { email } = await getUser(ctx.admin(), id);
        print({ id, email, ...(mailed ? { confirmation: 'mailed' } : {}) }, options.json);
      }),
    );

  users
    .command('invite <email>')
    .description('create a user and mail them a link to choose their password (the operator never sees it)')
    .option('--name <name>', 'full name')
    .option('--json', 'machine-readable output')
    .action((email: string, options: { name?: string; json?: boolean }) =>
      run(async (ctx) => {
        const input = { email, ...(options.name !== undefined ? { name: options.name } : {}) };
        const id = await withMail(ctx, (deps) =>
          inviteUser(ctx.admin(), { ...deps, passwordMinLength: ctx.config.passwordMinLength }, input),
        );
        const found = await getUser(ctx.admin(), id);
        print({ id, email: found.email, invitation: 'mailed' }, options.json);
      }),
    );

  users
    .command('list')
    .description('list users')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all: UserView[] = [];
        for (let page = await listUsers(ctx.admin(), { limit: PAGE }); ; ) {
          all.push(...page);
          if (page.length < PAGE) break;
          page = await listUsers(ctx.admin(), { limit: PAGE, after: page.at(-1)!.email });
        }
        print(
          all.map((a) => ({ id: a.id, email: a.email, name: a.name ?? '', disabled: a.disabled })),
          options.json,
        );
      }),
    );

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(`${name} <email>`)
      .description(disabled ? 'block sign-in and sign the user out everywhere' : 'allow sign-in again')
      .action((email: string) =>
        run(async (ctx) => {
          const found = await findUser(ctx, email);
          await setUserDisabled(ctx.admin(), found._id, disabled);
          print(`${found.email} ${name}d`, false);
        }),
      );
  }

  users
    .command('reset-password <email>')
    .description('set a new password (from standard input or a hidden prompt); signs the user out everywhere')
    .action((email: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        const password = await readSecret('Password (not shown): ');
        const revoked = await resetUserPassword(ctx.admin(), ctx.config, found._id, password);
        print(`password of ${found.email} reset; ${revoked} grant(s) revoked`, false);
      }),
    );

  users
    .command('reset-mfa <email>')
    .description('remove the second factor and recovery codes')
    .action((email: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        await resetUserMfa(ctx.admin(), found._id);
        print(`second factor of ${found.email} removed`, false);
      }),
    );

  users
    .command('unlock <email>')
    .description('clear failed sign-in counts and locks')
    .action((email: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        await unlockUser(ctx.admin(), found._id);
        print(`${found.email} unlocked`, false);
      }),
    );

  users
    .command('sessions <email>')
    .description("a user's browser sessions: id, when signed in, how, and the applications each signed in to")
    .option('--json', 'machine-readable output')
    .action((email: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        print(await userSessions(ctx.admin(), found._id), options.json);
      }),
    );

  users
    .command('end-session <email> <session>')
    .description('end one session (id from users sessions): its applications are told, its grants revoked')
    .action((email: string, session: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        const revoked = await endUserSession(ctx.admin(), found._id, session);
        print(`session of ${found.email} ended; ${revoked} grant(s) revoked`, false);
      }),
    );

  users
    .command('links <email>')
    .description("a user's linked sign-ins (upstream identity providers)")
    .option('--json', 'machine-readable output')
    .action((email: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        print(await userLinks(ctx.admin(), found._id), options.json);
      }),
    );

  users
    .command('unlink <email> <link>')
    .description('the upstream identity (link id from users links) no longer signs in to this user')
    .action((email: string, link: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        await unlinkUser(ctx.admin(), found._id, link);
        print(`sign-in ${link} of ${found.email} unlinked`, false);
      }),
    );

  users
    .command('grant-admin <email>')
    .description(
      'let this user into the admin console and API (--viewer: read only); they sign in with a second factor',
    )
    .option('--viewer', 'read only')
    .action((email: string, options: { viewer?: boolean }) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        const role = options.viewer ? VIEWER_ROLE : ADMIN_ROLE;
        const changed = await grantAdministrator(ctx.admin(), found._id, role);
        print(
          `${found.email} ${changed ? 'is now' : 'already was'} ${role} of this provider (console: ${ctx.config.issuer}/admin)`,
          false,
        );
      }),
    );

  holderRoleCommands(users, 'user', run);
}
