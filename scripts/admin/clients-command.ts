import type { Command } from 'commander';

import { issueInitialToken } from '../../provider/admin/clients/initial-token.ts';
import {
  createClient,
  deleteClient,
  rotateClientSecret,
  updateClient,
} from '../../provider/admin/clients/operations.ts';
import { parseInput } from '../../provider/admin/clients/parse-input.ts';
import { clientCreateSchema, initialTokenSchema } from '../../provider/admin/clients/schemas.ts';
import { getClient, listClients } from '../../provider/admin/clients/views.ts';
import { CLIENT_TYPES, type ClientTemplateOptions } from '../../provider/clients/client-template.ts';
import type { Run } from './admin-context.ts';
import { print } from './output.ts';
import { holderRoleCommands } from './roles-command.ts';

/** What `clients add` takes: commander's camelCase of its flags are the template's options. */
interface AddOptions extends ClientTemplateOptions {
  json?: boolean;
}

/** The operations' field names as this command's flags, for their refusals. */
const FLAGS: Record<string, string> = {
  redirect_uris: '--redirect-uri',
  post_logout_redirect_uris: '--post-logout-uri',
  resources: '--resource',
  'exchange.resources': '--exchange-resource',
  'exchange.subject_audiences': '--exchange-subject-audience',
  'exchange.subject_clients': '--exchange-subject-client',
  'exchange.scopes': '--exchange-scope',
  'exchange.actor': '--actor',
  expires_in: '--expires',
};
const asFlag = (path: string) => {
  const field = path.replace(/\.\d+$/, '');
  return FLAGS[field] ?? `--${field.replaceAll('_', '-')}`;
};

/** The flags, as the operation's input (provider/admin/clients/schemas.ts): it checks them. */
function createInput(options: AddOptions) {
  const exchange = {
    resources: options.exchangeResource,
    subject_audiences: options.exchangeSubjectAudience,
    subject_clients: options.exchangeSubjectClient,
    scopes: options.exchangeScope,
    actor: options.actor,
  };
  return {
    type: options.type,
    id: options.id,
    name: options.name,
    redirect_uris: options.redirectUri,
    post_logout_redirect_uris: options.postLogoutUri,
    resources: options.resource,
    first_party: options.firstParty,
    require_mfa: options.requireMfa,
    require_passkey: options.requirePasskey,
    require_verified_email: options.requireVerifiedEmail,
    require_par: options.requirePar,
    require_dpop: options.requireDpop,
    backchannel_logout_uri: options.backchannelLogoutUri,
    ...(Object.values(exchange).some((value) => value !== undefined) ? { exchange } : {}),
    resource_server_of: options.resourceServerOf,
    introspect_any: options.introspectAny,
  };
}

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
    .action((options: AddOptions) =>
      run(async (ctx) => {
        const { clientId, clientSecret } = await createClient(
          ctx.admin(),
          parseInput(clientCreateSchema, createInput(options), asFlag),
        );
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
        const all = await listClients(ctx.admin(), { dynamic: options.dynamic });
        print(
          all.map((m) => ({
            client_id: m.client_id,
            name: m.client_name ?? '',
            grants: ((m.grant_types as string[] | undefined) ?? []).join(' '),
            auth: m.token_endpoint_auth_method ?? '',
            dynamic: m.dynamic_client === true ? 'yes' : '',
          })),
          options.json,
        );
      }),
    );

  clients
    .command('show <client_id>')
    .description('show one client (never its secret)')
    .option('--json', 'machine-readable output')
    .action((id: string, options: { json?: boolean }) =>
      run(async (ctx) => print(await getClient(ctx.admin(), id), options.json)),
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
        const { token, expiresIn, uses } = await issueInitialToken(
          ctx.admin(),
          parseInput(
            initialTokenSchema,
            {
              expires_in: Number(options.expires),
              ...(options.uses === undefined ? {} : { uses: Number(options.uses) }),
            },
            asFlag,
          ),
        );
        print({ initial_access_token: token, expires_in: expiresIn, uses: uses ?? 'any' }, options.json);
      }),
    );

  holderRoleCommands(clients, 'client', run);
}
