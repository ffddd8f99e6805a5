import type { Command } from 'commander';

import { accountModel } from '../../provider/accounts/account-model.ts';
import { revokeAccountGrants } from '../../provider/accounts/revoke-account-grants.ts';
import {
  listPasskeys,
  removeAllPasskeys,
  removePasskey,
  requirePasskey,
} from '../../provider/passkeys/manage-passkeys.ts';
import { AdminError, type Run } from './admin-context.ts';
import { findUser } from './find-user.ts';
import { print } from './output.ts';

const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : '');

export function passkeysCommand(program: Command, run: Run): void {
  const passkeys = program.command('passkeys').description("list and revoke users' passkeys; passkey-only accounts");

  passkeys
    .command('list <email>')
    .description("a user's passkeys: id, name, kind, authenticator model, when added and last used")
    .option('--json', 'machine-readable output')
    .action((email: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        const all = await listPasskeys(ctx.connection, found._id);
        print(
          all.map((p) => ({
            id: p._id,
            name: p.name,
            kind: p.deviceType === 'singleDevice' ? 'device-bound' : 'synced',
            aaguid: p.aaguid,
            added: day(p.createdAt),
            last_used: day(p.lastUsedAt),
          })),
          options.json,
        );
      }),
    );

  passkeys
    .command('revoke <email>')
    .description('remove one passkey (--id) or all of them (--all), e.g. for a lost device')
    .option('--id <id>', 'the passkey to remove (from passkeys list)')
    .option('--all', 'remove every passkey of the user')
    .option('--sign-out', 'also sign the user out everywhere (sessions and tokens)')
    .action((email: string, options: { id?: string; all?: boolean; signOut?: boolean }) =>
      run(async (ctx) => {
        if (!options.id === !options.all) throw new AdminError('give exactly one of --id <id> or --all');
        const found = await findUser(ctx, email);
        const removal = options.all
          ? await removeAllPasskeys(ctx.connection, found._id)
          : await removePasskey(ctx.connection, found._id, options.id!);
        if ('refused' in removal) throw new AdminError(refusal(found.email, removal.refused));
        const { removed } = removal;
        const revoked = options.signOut ? await revokeAccountGrants(ctx.connection, found._id) : 0;
        await ctx.audit.append({
          event: 'admin.passkey.revoked',
          outcome: 'success',
          account: found._id,
          details: { passkey: options.id ?? 'all', removed, grantsRevoked: revoked },
        });
        print(
          `${removed} passkey(s) of ${found.email} removed${options.signOut ? `; ${revoked} grant(s) revoked` : ''}`,
          false,
        );
      }),
    );

  passkeys
    .command('require <email>')
    .description('passkey-only: the password of this user is no longer accepted (it needs a passkey first)')
    .action((email: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        const made = await requirePasskey(ctx.connection, found._id);
        if (made === false) throw new AdminError(`${found.email} has no passkey: it could not sign in at all`);
        if (made !== true) throw new AdminError(refusal(found.email, 'busy'));
        await ctx.audit.append({ event: 'admin.user.passkey_only', outcome: 'success', account: found._id });
        print(`${found.email} now signs in only with a passkey`, false);
      }),
    );

  passkeys
    .command('allow-password <email>')
    .description('accept the password of a passkey-only user again')
    .action((email: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        await accountModel(ctx.connection).updateOne(
          { _id: found._id },
          { $set: { passwordDisabled: false, updatedAt: new Date() } },
        );
        await ctx.audit.append({ event: 'admin.user.password_allowed', outcome: 'success', account: found._id });
        print(`${found.email} may sign in with the password again`, false);
      }),
    );
}

function refusal(email: string, why: 'last' | 'none' | 'busy'): string {
  if (why === 'none') return `${email} has no such passkey`;
  if (why === 'busy') return `another change to the passkeys of ${email} is in progress: retry`;
  return `${email} signs in only with passkeys: run "passkeys allow-password" first, or it cannot sign in at all`;
}
