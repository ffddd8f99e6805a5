import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import {
  addUpstream,
  deleteUpstream,
  setUpstreamEnabled,
  updateUpstream,
} from '../../provider/admin/upstreams/operations.ts';
import {
  type IdpDetail,
  idpCreateSchema,
  idpPatchSchema,
  parseUpstreamBody,
} from '../../provider/admin/upstreams/schemas.ts';
import { getUpstream, listUpstreams } from '../../provider/admin/upstreams/views.ts';
import { IdpSettingsError } from '../../provider/upstream/idp-settings.ts';
import { iconOf } from '../../provider/upstream/manage-idps.ts';
import { AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';
import { readSecret } from './read-secret.ts';

/** The settings flags `add` and `update` share, as commander names them. */
interface SettingsOptions {
  name?: string;
  issuer?: string;
  apiUrl?: string;
  clientId?: string;
  scopes?: string;
  provision?: boolean;
  domains?: string;
  claimEmail?: string;
  claimEmailVerified?: string;
  claimName?: string;
  claimGroups?: string;
  mapGroup?: string[];
  userinfo?: boolean;
  mfaAcr?: string;
  upstreamLogout?: boolean;
}

const list = (value: string | undefined) => value?.split(/[\s,]+/).filter(Boolean);

/** The flags given, as the admin API's body (absent flags stay absent). */
function bodyOf(options: SettingsOptions): Record<string, unknown> {
  const claims = {
    ...(options.claimEmail ? { email: options.claimEmail } : {}),
    ...(options.claimEmailVerified ? { email_verified: options.claimEmailVerified } : {}),
    ...(options.claimName ? { name: options.claimName } : {}),
    ...(options.claimGroups ? { groups: options.claimGroups } : {}),
  };
  const body = {
    name: options.name,
    issuer: options.issuer,
    api_url: options.apiUrl,
    client_id: options.clientId,
    scopes: list(options.scopes),
    provision: options.provision,
    domains: list(options.domains),
    claims: Object.keys(claims).length ? claims : undefined,
    userinfo: options.userinfo,
    group_map: options.mapGroup?.map((pair) => {
      const at = pair.lastIndexOf('=');
      return { upstream: pair.slice(0, at), local: at > 0 ? pair.slice(at + 1) : '' };
    }),
    mfa_acr_values: list(options.mfaAcr),
    upstream_logout: options.upstreamLogout,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/** `idps show`: the settings, one per line. */
const described = (idp: IdpDetail) => ({
  id: idp.id,
  type: idp.type,
  name: idp.name,
  enabled: idp.enabled,
  issuer: idp.issuer,
  ...(idp.api_url ? { api_url: idp.api_url } : {}),
  client_id: idp.client_id,
  scopes: idp.scopes.join(' '),
  provision: idp.provision,
  domains: idp.domains.join(' '),
  claims: {
    email: idp.claims.email,
    emailVerified: idp.claims.email_verified,
    name: idp.claims.name,
    ...(idp.claims.groups ? { groups: idp.claims.groups } : {}),
  },
  group_map: idp.group_map.map((m) => `${m.upstream}=${m.local}`).join(' '),
  userinfo: idp.userinfo,
  mfa_acr_values: idp.mfa_acr_values.join(' '),
  upstream_logout: idp.upstream_logout,
  icon: idp.icon,
  redirect_uri: idp.redirect_uri,
});

function settingsFlags(command: Command): Command {
  return command
    .option('--name <name>', 'what the button says after "Continue with"')
    .option('--issuer <url>', 'oidc: the issuer (discovery); github: GitHub Enterprise Server address')
    .option('--api-url <url>', 'github: the REST API (default https://api.github.com)')
    .option('--scopes <scopes>', 'scopes to ask for (default "openid email profile"; github "read:user user:email")')
    .option('--domains <domains>', 'home-realm discovery: emails of these domains sign in only here (comma-separated)')
    .option('--claim-email <claim>', 'the upstream claim holding the email (default email)')
    .option('--claim-email-verified <claim>', 'the claim saying the email is verified (default email_verified)')
    .option('--claim-name <claim>', 'the claim holding the display name (default name)')
    .option('--claim-groups <claim>', 'the claim holding the groups (recorded on the link)')
    .option('--map-group <upstream=local...>', 'members of this upstream group are kept in this local group')
    .option('--mfa-acr <values>', 'upstream acr values that count as a second factor here (comma-separated)');
}

export function idpsCommand(program: Command, run: Run): void {
  const idps = program
    .command('idps')
    .description('upstream identity providers users may sign in through (OpenID Connect, GitHub)');

  settingsFlags(
    idps
      .command('add')
      .description('add an upstream; its client secret is read from standard input and stored sealed')
      .requiredOption('--type <type>', 'oidc (any OpenID Connect provider) or github (the GitHub preset)')
      .requiredOption('--id <id>', 'short name: lower-case letters, digits, dashes (part of the redirect URI)')
      .requiredOption('--client-id <id>', 'the client ID this provider has at the upstream'),
  )
    .option('--client-secret-stdin', 'read the client secret from standard input (the only way it is taken)')
    .option('--provision', 'create accounts just in time for new users with a verified email')
    .option('--userinfo', 'also read the userinfo endpoint')
    .option('--upstream-logout', 'logout here also goes through the upstream end_session_endpoint')
    .option('--icon <file>', 'a .png or .svg of at most 32 KB for the button')
    .action((options: SettingsOptions & { type: string; id: string; icon?: string }) =>
      run(async (ctx) => {
        const secret = await readSecret('client secret: ');
        const icon = options.icon ? await iconFile(options.icon) : undefined;
        const body = parseUpstreamBody(idpCreateSchema, {
          id: options.id,
          type: options.type,
          ...bodyOf(options),
          client_secret: secret,
        });
        const added = await addUpstream(ctx.admin(), body, icon);
        print(`upstream ${added.id} added; register this redirect URI at ${added.name}: ${added.redirect_uri}`, false);
      }),
    );

  settingsFlags(
    idps
      .command('update <id>')
      .description('change an upstream: the settings given replace the stored ones (claims: the whole mapping)')
      .option('--client-id <id>', 'the client ID this provider has at the upstream'),
  )
    .option('--client-secret-stdin', 'replace the client secret with one read from standard input')
    .option('--provision <on|off>', 'create accounts just in time for new users with a verified email')
    .option('--userinfo <on|off>', 'also read the userinfo endpoint')
    .option('--upstream-logout <on|off>', 'logout here also goes through the upstream end_session_endpoint')
    .action((id: string, options: Record<string, unknown> & { clientSecretStdin?: boolean }) =>
      run(async (ctx) => {
        const switches = Object.fromEntries(
          (['provision', 'userinfo', 'upstreamLogout'] as const)
            .filter((name) => options[name] !== undefined)
            .map((name) => [name, onOff(options[name], name)]),
        );
        const secret = options.clientSecretStdin ? await readSecret('client secret: ') : undefined;
        const body = parseUpstreamBody(idpPatchSchema, {
          ...bodyOf({ ...(options as SettingsOptions), ...switches }),
          ...(secret !== undefined ? { client_secret: secret } : {}),
        });
        await updateUpstream(ctx.admin(), id, body);
        print(`upstream ${id} updated (every instance within a few seconds)`, false);
      }),
    );

  idps
    .command('list')
    .description('list upstreams')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await listUpstreams(ctx.admin());
        print(
          all.map((idp) => ({ ...idp, domains: idp.domains.join(' ') })),
          options.json,
        );
      }),
    );

  idps
    .command('show <id>')
    .description("one upstream's settings (never its secret) and the redirect URI to register there")
    .option('--json', 'machine-readable output')
    .action((id: string, options: { json?: boolean }) =>
      run(async (ctx) => {
        print(described(await getUpstream(ctx.admin(), id)), options.json);
      }),
    );

  for (const [command, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    idps
      .command(`${command} <id>`)
      .description(
        enabled ? 'show its button and accept its sign-ins again' : 'hide its button and refuse its sign-ins',
      )
      .action((id: string) =>
        run(async (ctx) => {
          await setUpstreamEnabled(ctx.admin(), id, enabled);
          print(`upstream ${id} ${command}d (every instance within a few seconds)`, false);
        }),
      );
  }

  idps
    .command('delete <id>')
    .description('remove an upstream and every account link to it (the accounts stay)')
    .action((id: string) =>
      run(async (ctx) => {
        const links = await deleteUpstream(ctx.admin(), id);
        print(`upstream ${id} deleted with ${links} account link(s)`, false);
      }),
    );
}

function onOff(value: unknown, name: string): boolean {
  if (value === 'on' || value === 'off') return value === 'on';
  throw new AdminError(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be on or off`);
}

async function iconFile(path: string) {
  try {
    return iconOf(path, await readFile(path));
  } catch (err) {
    throw err instanceof IdpSettingsError ? new AdminError(err.message) : err;
  }
}
