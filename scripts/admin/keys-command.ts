import type { Command } from 'commander';

import { listKeys, rotateSigningKeys } from '../../provider/admin/keys.ts';
import type { Run } from './admin-context.ts';
import { print } from './output.ts';

export function keysCommand(program: Command, run: Run): void {
  const keys = program.command('keys').description('signing and cookie keys');

  keys
    .command('list')
    .description('keys with their states (never their private parts)')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        print(
          (await listKeys(ctx.admin())).map((k) => ({
            kind: k.kind,
            alg: k.alg ?? '',
            kid: k.kid ?? '',
            state: k.state,
            created: k.created_at,
            retired: k.retired_at ?? '',
          })),
          options.json,
        );
      }),
    );

  keys
    .command('rotate')
    .description('next signing keys start signing, current ones retire, new next keys and a new cookie key are made')
    .action(() =>
      run(async (ctx) => {
        const version = await rotateSigningKeys(ctx.admin());
        print(
          `keys rotated (version ${version}); every instance picks them up within KEY_RELOAD_SECONDS (${ctx.config.keys.reloadSeconds} s)`,
          false,
        );
      }),
    );
}
