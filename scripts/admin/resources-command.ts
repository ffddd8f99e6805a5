import type { Command } from 'commander';

import { resourceServerModel, type ResourceServerRecord } from '../../provider/resources/resource-server-model.ts';
import {
  describeScope,
  saveResourceServer,
  setResourceAccess,
} from '../../provider/resources/resource-server-directory.ts';
import { AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';

export function resourcesCommand(program: Command, run: Run): void {
  const resources = program.command('resources').description('manage resource servers (APIs) and their scopes');

  resources
    .command('add <indicator>')
    .description('add or update an API; the indicator (an absolute URI) is its token audience')
    .requiredOption('--name <name>', 'name shown on the consent screen')
    .option('--scope <scope...>', 'scopes the API understands', [])
    .option('--ttl <seconds>', 'access token lifetime for this API')
    .action((indicator: string, options: { name: string; scope: string[]; ttl?: string }) =>
      run(async (ctx) => {
        const ttl = options.ttl === undefined ? undefined : Number(options.ttl);
        if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60 || ttl > 86400))
          throw new AdminError('--ttl must be 60 to 86400 seconds');
        await saveResourceServer(ctx.connection, {
          _id: indicator,
          name: options.name,
          scopes: options.scope,
          accessTokenTtl: ttl,
        }).catch((err: Error) => {
          throw new AdminError(err.message);
        });
        await ctx.audit.append({ event: 'admin.resource.saved', outcome: 'success', details: { indicator } });
        print(`resource ${indicator} saved`, false);
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
        if (options.scopes !== undefined && options.scopes !== 'open' && options.scopes !== 'roles')
          throw new AdminError('--scopes must be open or roles');
        if (options.groupsClaim !== undefined && options.groupsClaim !== 'on' && options.groupsClaim !== 'off')
          throw new AdminError('--groups-claim must be on or off');
        const settings = {
          ...(options.scopes ? { scopeAccess: options.scopes as 'open' | 'roles' } : {}),
          ...(options.groupsClaim ? { groupsClaim: options.groupsClaim === 'on' } : {}),
        };
        if (Object.keys(settings).length === 0) throw new AdminError('give --scopes and/or --groups-claim');
        if (!(await setResourceAccess(ctx.connection, indicator, settings)))
          throw new AdminError(`no resource ${indicator}`);
        await ctx.audit.append({
          event: 'admin.resource.access_set',
          outcome: 'success',
          details: { indicator, ...settings },
        });
        print(`resource ${indicator}: ${JSON.stringify(settings)}`, false);
      }),
    );

  resources
    .command('list')
    .description('list APIs')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await resourceServerModel(ctx.connection).find({}).sort({ _id: 1 }).lean<ResourceServerRecord[]>();
        print(
          all.map((r) => ({ indicator: r._id, name: r.name, scopes: r.scopes.join(' '), ttl: r.accessTokenTtl ?? '' })),
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
        if (!(await describeScope(ctx.connection, indicator, scope, text)))
          throw new AdminError(`no scope ${scope} on resource ${indicator}`);
        await ctx.audit.append({
          event: 'admin.resource.scope_described',
          outcome: 'success',
          details: { indicator, scope, text },
        });
        print(text ? `${indicator} ${scope}: "${text}"` : `${indicator} ${scope}: no description`, false);
      }),
    );

  resources
    .command('scopes <indicator> <scope...>')
    .description('replace the scopes of an API')
    .action((indicator: string, scopes: string[]) =>
      run(async (ctx) => {
        const result = await resourceServerModel(ctx.connection).updateOne({ _id: indicator }, { $set: { scopes } });
        if (result.matchedCount === 0) throw new AdminError(`no resource ${indicator}`);
        await ctx.audit.append({ event: 'admin.resource.scopes', outcome: 'success', details: { indicator, scopes } });
        print(`scopes of ${indicator}: ${scopes.join(' ')}`, false);
      }),
    );
}
