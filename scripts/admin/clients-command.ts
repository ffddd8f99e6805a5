import type { Command } from 'commander';
import {
  createClient,
  deleteClient,
  getClient,
  rotateClientSecret,
  updateClient,
} from '../../provider/admin/clients.ts';
import type { ClientMetadata } from 'oidc-provider';

import { oidcModel } from '../../adapters/mongodb.ts';
import { CLIENT_TYPES, type ClientTemplateOptions } from '../../provider/clients/client-template.ts';
import { LIMITED_USES_POLICY, limitInitialTokenUses } from '../../provider/clients/initial-token-uses.ts';
import { AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';
import { holderRoleCommands } from './roles-command.ts';

export function clientsCommand(program: Command, run: Run): void {
  const clients = program.command('clients').description('register and manage OAuth clients');

  clients
    .command('add')
    .description('register a client; a secret (for web, service, exchanger) is printed once')
    .requiredOption('--type <type>', `one of ${CLIENT_TYPES.join(', ')}`)
    .option('--id <client_id>', 'client id (default: random)')
    .option('--name <name>', 'name shown on the consent screen')
    .option('--redirect-uri <uri...>', 'redirect URIs (web, spa, native)')
    .option('--post-logout-uri <uri...>', 'post-logout redirect URIs')
    .option('--resource <indicator...>', 'APIs (resource indicators) it may get tokens for')
    .option('--first-party', 'skip the consent screen for its users')
    .option('--require-mfa', 'its users must use a second factor')
    .option('--require-passkey', 'its users must sign in with a passkey (phishing-resistant)')
    .option('--require-verified-email', 'its users must have confirmed their email address')
    .option('--require-par', 'it must push its authorization requests first (RFC 9126)')
    .option('--require-dpop', 'its tokens must be bound to its key with DPoP (RFC 9449)')
    .option('--backchannel-logout-uri <uri>', 'where it receives logout tokens when its users sign out')
    .option('--exchange-resource <indicator...>', 'exchanger: targets it may exchange tokens for')
    .option('--exchange-subject-audience <indicator...>', 'exchanger: APIs whose tokens it may take as subject tokens')
    .option('--exchange-subject-client <client_id...>', 'exchanger: only tokens issued to these clients (optional)')
    .option('--exchange-scope <scope...>', 'exchanger: the most scopes it may ask for')
    .option('--actor', 'exchanger: may present actor tokens (delegation)')
    .option('--resource-server-of <indicator...>', "it is these APIs' credentials: may introspect their tokens")
    .option('--introspect-any', 'it may introspect every token (an auditor, a gateway for all APIs)')
    .option('--json', 'machine-readable output')
    .action((options: ClientTemplateOptions & { json?: boolean }) =>
      run(async (ctx) => {
        const { clientId, clientSecret } = await createClient(ctx.admin(), options);
        print({ client_id: clientId, client_secret: clientSecret ?? '(public client: none)' }, options.json);
      }),
    );

  clients
    .command('list')
    .description('list clients')
    .option('--dynamic', 'only the dynamically registered ones (RFC 7591)')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean; dynamic?: boolean }) =>
      run(async (ctx) => {
        const filter = options.dynamic ? { 'payload.dynamic_client': true } : {};
        const records = await oidcModel(ctx.connection, 'Client').find(filter).sort({ _id: 1 }).lean();
        print(
          records.map(({ payload }) => {
            const m = payload as ClientMetadata;
            return {
              client_id: m.client_id,
              name: m.client_name ?? '',
              grants: (m.grant_types ?? []).join(' '),
              auth: m.token_endpoint_auth_method ?? '',
              dynamic: m.dynamic_client === true ? 'yes' : '',
            };
          }),
          options.json,
        );
      }),
    );

  clients
    .command('show <client_id>')
    .description('show one client (never its secret)')
    .option('--json', 'machine-readable output')
    .action((id: string, options: { json?: boolean }) =>
      run(async (ctx) => print(await getClient(ctx, id), options.json)),
    );

  clients
    .command('set-redirects <client_id> <uri...>')
    .description('replace the redirect URIs')
    .action((id: string, uris: string[]) =>
      run(async (ctx) => {
        await updateClient(ctx.admin(), id, { redirect_uris: uris });
        print(`redirect URIs of ${id} updated`, false);
      }),
    );

  clients
    .command('set-resources <client_id> <indicator...>')
    .description('replace the APIs it may get tokens for')
    .option('--scope <scope...>', 'limit it to these scopes at every one of them')
    .action((id: string, indicators: string[], options: { scope?: string[] }) =>
      run(async (ctx) => {
        const resourceScopes = options.scope
          ? Object.fromEntries(indicators.map((i) => [i, options.scope!]))
          : undefined;
        await updateClient(ctx.admin(), id, { allowed_resources: indicators, resource_scopes: resourceScopes });
        print(`resources of ${id} updated`, false);
      }),
    );

  clients
    .command('set-introspection <client_id>')
    .description('whose tokens it may introspect besides its own; with no option, only its own again')
    .option('--resource-server-of <indicator...>', 'the APIs it is the credentials of: their tokens')
    .option('--any', 'every token')
    .action((id: string, options: { resourceServerOf?: string[]; any?: boolean }) =>
      run(async (ctx) => {
        await updateClient(ctx.admin(), id, {
          introspect_any: options.any === true,
          resource_server_of: options.resourceServerOf ?? [],
        });
        print(`introspection of ${id} updated`, false);
      }),
    );

  clients
    .command('rotate-secret <client_id>')
    .description('issue a new secret (printed once); the old one stops working')
    .option('--json', 'machine-readable output')
    .action((id: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        const clientSecret = await rotateClientSecret(ctx.admin(), id);
        print({ client_id: id, client_secret: clientSecret }, options.json);
      }),
    );

  clients
    .command('delete <client_id>')
    .description('delete a client; its grants are revoked and its tokens stop working')
    .action((id: string) =>
      run(async (ctx) => {
        await deleteClient(ctx.admin(), id);
        print(`client ${id} deleted`, false);
      }),
    );

  clients
    .command('initial-token')
    .description('an initial access token for dynamic registration (REGISTRATION=token), printed once')
    .option('--expires <seconds>', 'lifetime in seconds (60 to 31536000)', '86400')
    .option('--uses <n>', 'how many registrations it may make (default: any until it expires)')
    .option('--json', 'machine-readable output')
    .action((options: { expires: string; uses?: string; json?: boolean }) =>
      run(async (ctx) => {
        const expiresIn = Number(options.expires);
        if (!Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > 31_536_000)
          throw new AdminError('--expires must be 60 to 31536000 seconds');
        const uses = options.uses === undefined ? undefined : Number(options.uses);
        if (uses !== undefined && (!Number.isInteger(uses) || uses < 1 || uses > 1_000_000))
          throw new AdminError('--uses must be 1 to 1000000');
        const provider = await ctx.validator();
        const iat = new provider.InitialAccessToken({
          expiresIn,
          ...(uses ? { policies: [LIMITED_USES_POLICY] } : {}),
        });
        const token = await iat.save();
        if (uses) await limitInitialTokenUses(ctx.connection, iat.jti, uses, expiresIn);
        await ctx.audit.append({
          event: 'admin.registration.initial_token',
          outcome: 'success',
          details: { expiresIn, uses },
        });
        print({ initial_access_token: token, expires_in: expiresIn, uses: uses ?? 'any' }, options.json);
      }),
    );

  holderRoleCommands(clients, 'client', run);
}
