import type { Command } from 'commander';

import {
  deleteResource,
  describeResourceScope,
  listResources,
  replaceResourceScopes,
  type ResourceView,
  saveResource,
  setResourceAccessMode,
} from '../../provider/admin/resources.ts';
import { AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';

/** `--ttl 300` as the number the service checks; text that is no number is left for it to refuse. */
const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** `on` / `off` as the service's boolean; anything else is refused here, where the flag is named. */
function onOff(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'on' && value !== 'off') throw new AdminError(`${flag} must be on or off`);
  return value === 'on';
}

function scopeMode(value: string | undefined): 'open' | 'roles' | undefined {
  if (value === undefined || value === 'open' || value === 'roles') return value;
  throw new AdminError('--scopes must be open or roles');
}

/** How many APIs `resources list` reads per page of the service's list. */
const PAGE = 200;

export function resourcesCommand(program: Command, run: Run): void {
  const resources = program.command('resources').description('manage resource servers (APIs) and their scopes');

  resources
    .command('add <indicator>')
    .description('add or update an API; the indicator (an absolute URI) is its token audience')
    .requiredOption('--name <name>', 'name shown on the consent screen')
    .option('--scope <scope...>', 'scopes the API understands', [])
    .option('--ttl <seconds>', 'access token lifetime for this API (60 to 86400)')
    .action((indicator: string, options: { name: string; scope: string[]; ttl?: string }) =>
      run(async (ctx) => {
        await saveResource(ctx.admin(), {
          indicator,
          name: options.name,
          scopes: options.scope,
          access_token_ttl: seconds(options.ttl),
        });
        print(`resource ${indicator} saved`, false);
      }),
    );

  resources
    .command('remove <indicator>')
    .description('delete an API (tokens already issued for it stay valid until they expire)')
    .action((indicator: string) =>
      run(async (ctx) => {
        await deleteResource(ctx.admin(), indicator);
        print(`resource ${indicator} deleted`, false);
      }),
    );

  resources
    .command('access <indicator>')
    .description(
      "who gets the API's scopes (open: as each client allows; roles: only what roles grant) and the groups claim",
    )
    .option('--scopes <mode>', 'open or roles')
    .option('--groups-claim <on|off>', "put the caller's groups in this API's access tokens")
    .action((indicator: string, options: { scopes?: string; groupsClaim?: string }) =>
      run(async (ctx) => {
        const scopeAccess = scopeMode(options.scopes);
        const groupsClaim = onOff(options.groupsClaim, '--groups-claim');
        if (scopeAccess === undefined && groupsClaim === undefined)
          throw new AdminError('give --scopes and/or --groups-claim');
        const settings = {
          ...(scopeAccess ? { scope_access: scopeAccess } : {}),
          ...(groupsClaim !== undefined ? { groups_claim: groupsClaim } : {}),
        };
        await setResourceAccessMode(ctx.admin(), { indicator, ...settings });
        print(`resource ${indicator}: ${JSON.stringify(settings)}`, false);
      }),
    );

  resources
    .command('list')
    .description('list APIs')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all: ResourceView[] = [];
        let page: ResourceView[];
        do {
          page = await listResources(ctx.admin(), { limit: PAGE, after: all.at(-1)?.indicator });
          all.push(...page);
        } while (page.length === PAGE);
        print(
          all.map((r) => ({
            indicator: r.indicator,
            name: r.name,
            scopes: r.scopes.join(' '),
            ttl: r.access_token_ttl ?? '',
          })),
          options.json,
        );
      }),
    );

  resources
    .command('describe-scope <indicator> <scope> [text...]')
    .description('what a scope lets an application do, as the consent screen says it (no text: back to the raw scope)')
    .action((indicator: string, scope: string, words: string[]) =>
      run(async (ctx) => {
        const text = words.join(' ');
        await describeResourceScope(ctx.admin(), { indicator, scope, text });
        print(text ? `${indicator} ${scope}: "${text}"` : `${indicator} ${scope}: no description`, false);
      }),
    );

  resources
    .command('scopes <indicator> <scope...>')
    .description('replace the scopes of an API')
    .action((indicator: string, scopes: string[]) =>
      run(async (ctx) => {
        await replaceResourceScopes(ctx.admin(), { indicator, scopes });
        print(`scopes of ${indicator}: ${scopes.join(' ')}`, false);
      }),
    );
}
