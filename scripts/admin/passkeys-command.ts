import type { Command } from 'commander';

import {
  allowUserPassword,
  removeUserPasskeys,
  requireUserPasskey,
  userPasskeys,
} from '../../provider/admin/users/passkeys.ts';
import { AdminError, type Run } from './admin-context.ts';
import { findUser } from './find-user.ts';
import { print } from './output.ts';

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');

export function passkeysCommand(program: Command, run: Run): void {
  const passkeys = program.command('passkeys').description("list and revoke users' passkeys; passkey-only accounts");

  passkeys
    .command('list <email>')
    .description("a user's passkeys: id, name, kind, authenticator model, when added and last used")
    .option('--json', 'machine-readable output')
    .action((email: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        print(
          (await userPasskeys(ctx.admin(), found._id)).map((p) => ({
            id: p.id,
            name: p.name,
            kind: p.kind,
            aaguid: p.aaguid,
            added: day(p.created_at),
            last_used: day(p.last_used_at),
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
        const { removed, grantsRevoked } = await removeUserPasskeys(ctx.admin(), found._id, {
          passkey: options.id ?? 'all',
          ...(options.signOut ? { sign_out: true } : {}),
        });
        print(
          `${removed} passkey(s) of ${found.email} removed${options.signOut ? `; ${grantsRevoked} grant(s) revoked` : ''}`,
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
        await requireUserPasskey(ctx.admin(), found._id);
        print(`${found.email} now signs in only with a passkey`, false);
      }),
    );

  passkeys
    .command('allow-password <email>')
    .description('accept the password of a passkey-only user again')
    .action((email: string) =>
      run(async (ctx) => {
        const found = await findUser(ctx, email);
        await allowUserPassword(ctx.admin(), found._id);
        print(`${found.email} may sign in with the password again`, false);
      }),
    );
}
