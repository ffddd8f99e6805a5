import type { Command } from 'commander';
import { resetUserMfa, setUserDisabled, unlockUser } from '../../provider/admin/users.ts';

import { accountModel, type AccountRecord } from '../../provider/accounts/account-model.ts';
import { createAccount } from '../../provider/accounts/create-account.ts';
import { normalizeEmail } from '../../provider/accounts/normalize-email.ts';
import { storePassword } from '../../provider/accounts/store-password.ts';
import { passwordProblem } from '../../provider/accounts/password-policy.ts';
import { revokeAccountGrants } from '../../provider/accounts/revoke-account-grants.ts';
import { inviteAccount } from '../../provider/accounts/invite-account.ts';
import { sendVerification } from '../../provider/accounts/email-verification.ts';
import { AdminError, type AdminContext, type Run } from './admin-context.ts';
import { withMail } from './admin-mail.ts';
import { findUser } from './find-user.ts';
import { print } from './output.ts';
import { holderRoleCommands } from './roles-command.ts';
import { ADMIN_ROLE, adminApiIndicator, grantAdmin, VIEWER_ROLE } from '../../provider/admin/admin-api-resource.ts';
import { recordAdmin } from '../../provider/admin/admin-deps.ts';
import { readSecret } from './read-secret.ts';

async function newPassword(ctx: AdminContext, email: string): Promise<string> {
  const password = await readSecret('Password (not shown): ');
  const problem = passwordProblem(password, ctx.config.passwordMinLength, email);
  if (problem) throw new AdminError(`password refused: ${problem}`);
  return password;
}

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
        const password = await newPassword(ctx, options.email);
        if (await accountModel(ctx.connection).exists({ email: normalizeEmail(options.email) }))
          throw new AdminError(`${options.email} already exists`);
        const id = await createAccount(
          ctx.connection,
          { email: options.email, password, name: options.name, emailVerified: options.verified },
          { minPasswordLength: ctx.config.passwordMinLength, hashing: ctx.config.passwordHashing },
        ).catch((err: Error) => {
          throw new AdminError(err.message);
        });
        await ctx.audit.append({ event: 'admin.user.added', outcome: 'success', account: id });
        const mailed = options.sendInvite && (await withMail(ctx, (deps) => sendVerification(deps, id)));
        print(
          { id, email: normalizeEmail(options.email), ...(mailed ? { confirmation: 'mailed' } : {}) },
          options.json,
        );
      }),
    );

  users
    .command('invite <email>')
    .description('create a user and mail them a link to choose their password (the operator never sees it)')
    .option('--name <name>', 'full name')
    .option('--json', 'machine-readable output')
    .action((email: string, options: { name?: string; json?: boolean }) =>
      run(async (ctx) => {
        if (await accountModel(ctx.connection).exists({ email: normalizeEmail(email) }))
          throw new AdminError(`${email} already exists`);
        const id = await withMail(ctx, (deps) =>
          inviteAccount({ ...deps, passwordMinLength: ctx.config.passwordMinLength }, { email, name: options.name }),
        ).catch((err: Error) => {
          throw err instanceof AdminError ? err : new AdminError(err.message);
        });
        await ctx.audit.append({ event: 'admin.user.invited', outcome: 'success', account: id });
        print({ id, email: normalizeEmail(email), invitation: 'mailed' }, options.json);
      }),
    );

  users
    .command('list')
    .description('list users')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await accountModel(ctx.connection)
          .find({}, { passwordHash: 0 })
          .sort({ email: 1 })
          .lean<AccountRecord[]>();
        print(
          all.map((a) => ({ id: a._id, email: a.email, name: a.name ?? '', disabled: a.disabled })),
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
        const password = await newPassword(ctx, found.email);
        await storePassword(ctx.connection, found._id, password, ctx.config.passwordHashing);
        const revoked = await revokeAccountGrants(ctx.connection, found._id);
        await ctx.audit.append({
          event: 'admin.user.password_reset',
          outcome: 'success',
          account: found._id,
          details: { grantsRevoked: revoked },
        });
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
    .command('grant-admin <email>')
    .description(
      'let this user into the admin console and API (--viewer: read only); they sign in with a second factor',
    )
    .option('--viewer', 'read only')
    .action((email: string, options: { viewer?: boolean }) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        const role = options.viewer ? VIEWER_ROLE : ADMIN_ROLE;
        const changed = await grantAdmin(ctx.connection, ctx.config.issuer, found._id, role);
        await recordAdmin(ctx.admin(), 'admin.role.granted', {
          account: found._id,
          details: {
            holder: 'user',
            subject: found._id,
            resource: adminApiIndicator(ctx.config.issuer),
            role,
            changed,
          },
        });
        print(
          `${found.email} ${changed ? 'is now' : 'already was'} ${role} of this provider (console: ${ctx.config.issuer}/admin)`,
          false,
        );
      }),
    );

  holderRoleCommands(users, 'user', run);
}
