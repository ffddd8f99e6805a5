import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import type { IdpType } from '../../provider/upstream/idp-model.ts';
import { callbackUrl, IdpSettingsError } from '../../provider/upstream/idp-settings.ts';
import {
  addIdp,
  deleteIdp,
  iconOf,
  type IdpSummary,
  idpOverview,
  listIdps,
  setIdpEnabled,
  showIdp,
} from '../../provider/upstream/manage-idps.ts';
import { AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';
import { readSecret } from './read-secret.ts';

interface AddOptions {
  type: string;
  id: string;
  name?: string;
  issuer?: string;
  apiUrl?: string;
  clientId: string;
  clientSecretStdin?: boolean;
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
  icon?: string;
}

const list = (value: string | undefined) => value?.split(/[\s,]+/).filter(Boolean);

const described = (idp: IdpSummary, issuer: string) => ({
  id: idp._id,
  type: idp.type,
  name: idp.displayName,
  enabled: idp.enabled,
  issuer: idp.issuer,
  ...(idp.apiUrl ? { api_url: idp.apiUrl } : {}),
  client_id: idp.clientId,
  scopes: idp.scopes.join(' '),
  provision: idp.provision,
  domains: idp.domains.join(' '),
  claims: idp.claims,
  group_map: (idp.groupMap ?? []).map((m) => `${m.upstream}=${m.local}`).join(' '),
  userinfo: idp.userinfo,
  mfa_acr_values: idp.mfaAcrValues.join(' '),
  upstream_logout: idp.upstreamLogout,
  icon: idp.hasIcon,
  redirect_uri: callbackUrl(issuer, idp._id),
});

export function idpsCommand(program: Command, run: Run): void {
  const idps = program
    .command('idps')
    .description('upstream identity providers users may sign in through (OpenID Connect, GitHub)');

  idps
    .command('add')
    .description('add an upstream; its client secret is read from standard input and stored sealed')
    .requiredOption('--type <type>', 'oidc (any OpenID Connect provider) or github (the GitHub preset)')
    .requiredOption('--id <id>', 'short name: lower-case letters, digits, dashes (part of the redirect URI)')
    .option('--name <name>', 'what the button says after "Continue with"')
    .option('--issuer <url>', 'oidc: the issuer (discovery); github: GitHub Enterprise Server address')
    .option('--api-url <url>', 'github: the REST API (default https://api.github.com)')
    .requiredOption('--client-id <id>', 'the client ID this provider has at the upstream')
    .option('--client-secret-stdin', 'read the client secret from standard input (the only way it is taken)')
    .option('--scopes <scopes>', 'scopes to ask for (default "openid email profile"; github "read:user user:email")')
    .option('--provision', 'create accounts just in time for new users with a verified email')
    .option('--domains <domains>', 'home-realm discovery: emails of these domains sign in only here (comma-separated)')
    .option('--claim-email <claim>', 'the upstream claim holding the email (default email)')
    .option('--claim-email-verified <claim>', 'the claim saying the email is verified (default email_verified)')
    .option('--claim-name <claim>', 'the claim holding the display name (default name)')
    .option('--claim-groups <claim>', 'the claim holding the groups (recorded on the link)')
    .option('--map-group <upstream=local...>', 'members of this upstream group are kept in this local group')
    .option('--userinfo', 'also read the userinfo endpoint')
    .option('--mfa-acr <values>', 'upstream acr values that count as a second factor here (comma-separated)')
    .option('--upstream-logout', 'logout here also goes through the upstream end_session_endpoint')
    .option('--icon <file>', 'a .png or .svg of at most 32 KB for the button')
    .action((options: AddOptions) =>
      run(async (ctx) => {
        const secret = await readSecret('client secret: ');
        const icon = options.icon ? iconOf(options.icon, await readFile(options.icon)) : undefined;
        const claims = {
          ...(options.claimEmail ? { email: options.claimEmail } : {}),
          ...(options.claimEmailVerified ? { emailVerified: options.claimEmailVerified } : {}),
          ...(options.claimName ? { name: options.claimName } : {}),
          ...(options.claimGroups ? { groups: options.claimGroups } : {}),
        };
        const added = await addIdp(ctx.connection, ctx.config.keys.encryptionKey, {
          id: options.id,
          type: options.type as IdpType,
          displayName: options.name,
          issuer: options.issuer,
          apiUrl: options.apiUrl,
          clientId: options.clientId,
          clientSecret: secret,
          scopes: list(options.scopes),
          provision: options.provision,
          domains: list(options.domains),
          claims: Object.keys(claims).length ? claims : undefined,
          userinfo: options.userinfo,
          groupMap: (options.mapGroup ?? []).map((pair) => {
            const at = pair.lastIndexOf('=');
            return { upstream: pair.slice(0, at), local: at > 0 ? pair.slice(at + 1) : '' };
          }),
          mfaAcrValues: list(options.mfaAcr),
          upstreamLogout: options.upstreamLogout,
          icon,
        }).catch((err: unknown) => {
          throw err instanceof IdpSettingsError ? new AdminError(err.message) : err;
        });
        await ctx.audit.append({
          event: 'admin.idp.added',
          outcome: 'success',
          details: { idp: added._id, type: added.type, issuer: added.issuer },
        });
        print(
          `upstream ${added._id} added; register this redirect URI at ${added.displayName}: ${callbackUrl(ctx.config.issuer, added._id)}`,
          false,
        );
      }),
    );

  idps
    .command('list')
    .description('list upstreams')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await listIdps(ctx.connection);
        print(
          all.map((idp) => ({ ...idpOverview(idp), domains: idp.domains.join(' ') })),
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
        const found = await showIdp(ctx.connection, id);
        if (!found) throw new AdminError(`no upstream ${id}`);
        print(described(found, ctx.config.issuer), options.json);
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
          if (!(await setIdpEnabled(ctx.connection, id, enabled))) throw new AdminError(`no upstream ${id}`);
          await ctx.audit.append({ event: `admin.idp.${command}d`, outcome: 'success', details: { idp: id } });
          print(`upstream ${id} ${command}d (every instance within a few seconds)`, false);
        }),
      );
  }

  idps
    .command('delete <id>')
    .description('remove an upstream and every account link to it (the accounts stay)')
    .action((id: string) =>
      run(async (ctx) => {
        const links = await deleteIdp(ctx.connection, id);
        if (links === undefined) throw new AdminError(`no upstream ${id}`);
        await ctx.audit.append({ event: 'admin.idp.deleted', outcome: 'success', details: { idp: id, links } });
        print(`upstream ${id} deleted with ${links} account link(s)`, false);
      }),
    );
}
