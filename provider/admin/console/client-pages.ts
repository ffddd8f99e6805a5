import type { Context } from 'koa';

import { createClient, deleteClient, rotateClientSecret, updateClient } from '../clients/operations.ts';
import { clientCreateSchema, clientPatchSchema } from '../clients/schemas.ts';
import { getClient, knownApis, listClients } from '../clients/views.ts';
import { AdminProblem } from '../admin-deps.ts';
import { versionTag } from '../version-tag.ts';
import { CLIENT_TYPES, type ClientType } from '../../clients/client-template.ts';
import { formField } from '../../forms/form-field.ts';
import {
  ADVANCED_FIELDS,
  type FieldProblem,
  problemFromIssue,
  problemFromMessage,
  problemsByField,
} from './client-form-problems.ts';
import { clientEditBody, type TypedClientEdit, typedClientEdit } from './client-edit-form.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { newClientBody, typedNewClient, usesAdvanced } from './new-client-form.ts';
import { linesFromScopes } from './resource-scope-lines.ts';
import { doneRedirect, renderConsole } from './render-console.ts';

const PAGE = 50;

/** What each type is for, on the type picker (its defaults are clients/client-template.ts's). */
const TYPE_HELP: Record<ClientType, string> = {
  web: 'a server-side web app: code flow, a secret, refresh tokens',
  spa: 'a browser app: code flow with PKCE, no secret',
  native: 'a desktop or mobile app: loopback or app redirects, no secret',
  device: 'a TV or CLI without a browser: device flow',
  service: 'a backend calling APIs as itself: client credentials',
  exchanger: 'a service that swaps tokens (RFC 8693)',
};

/** GET /admin/clients — list (search by id prefix) and the "new client" form. */
export function clientList(deps: ConsoleDeps) {
  return async function clientList(ctx: Context): Promise<void> {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    const after = typeof ctx.query.after === 'string' ? ctx.query.after : undefined;
    const all = await listClients(deps, { limit: PAGE, after });
    const shown = q
      ? all.filter(
          (c) =>
            String(c.client_id).startsWith(q) ||
            String(c.client_name ?? '')
              .toLowerCase()
              .includes(q.toLowerCase()),
        )
      : all;
    renderConsole(deps, ctx, 'clients.njk', 'clients', {
      title: 'Clients',
      q,
      clients: shown,
      next: all.length === PAGE ? String(all.at(-1)!.client_id) : undefined,
      types: CLIENT_TYPES.map((type) => ({ type, help: TYPE_HELP[type] })),
      apis: await knownApis(deps),
    });
  };
}

/**
 * POST /admin/clients — register one from its type (safe defaults); the secret is shown once.
 * The form is parsed with the admin API's schema, then the same service registers it.
 */
export function addClient(deps: ConsoleDeps) {
  return async function addClient(ctx: Context): Promise<void> {
    const typed = typedNewClient(ctx);
    const body = newClientBody(typed);
    let problems: FieldProblem[];
    const parsed = clientCreateSchema.safeParse(body);
    if (!parsed.success) problems = parsed.error.issues.map((issue) => problemFromIssue(issue, body));
    else {
      const input = parsed.data;
      try {
        const { clientId, clientSecret } = await createClient(consoleAdminDeps(deps, ctx), input);
        return renderConsole(deps, ctx, 'client-secret.njk', 'clients', {
          title: 'Client created',
          clientId,
          clientSecret,
          heading: 'Client created',
        });
      } catch (err) {
        if (!(err instanceof AdminProblem)) throw err;
        problems = [problemFromMessage(err.message)];
      }
    }
    const { fields, general } = problemsByField(problems);
    return renderConsole(
      deps,
      ctx,
      'clients.njk',
      'clients',
      {
        title: 'Clients',
        error: general.length ? general.join(' ') : 'The client was not created: see the fields marked below.',
        problems: fields,
        form: typed,
        advancedOpen: usesAdvanced(typed) || ADVANCED_FIELDS.some((field) => fields[field]),
        clients: await listClients(deps, { limit: PAGE }),
        types: CLIENT_TYPES.map((t) => ({ type: t, help: TYPE_HELP[t] })),
        apis: await knownApis(deps),
      },
      400,
    );
  };
}

/** A refused save: its problems, and what the admin typed (shown again instead of the stored settings). */
interface RefusedEdit {
  problems: FieldProblem[];
  typed: TypedClientEdit;
}

/** GET /admin/clients/:id — its settings, with the edit, rotate and delete forms. */
export function clientDetail(deps: ConsoleDeps) {
  return async function clientDetail(ctx: Context, error?: string, status = 200, refused?: RefusedEdit): Promise<void> {
    const stored = await getClient(deps, String(ctx.params.id));
    const typed = refused?.typed;
    const client = typed
      ? {
          ...stored,
          client_name: typed.name,
          first_party: typed.firstParty,
          require_mfa: typed.requireMfa,
          require_passkey: typed.requirePasskey,
          require_verified_email: typed.requireVerifiedEmail,
          require_pushed_authorization_requests: typed.requirePar,
          dpop_bound_access_tokens: typed.requireDpop,
          backchannel_logout_uri: typed.backchannelLogoutUri,
          backchannel_logout_session_required: typed.backchannelSessionRequired,
          introspect_any: typed.introspectAny,
        }
      : stored;
    const { fields, general } = problemsByField(refused?.problems ?? []);
    renderConsole(
      deps,
      ctx,
      'client.njk',
      'clients',
      {
        title: `Client ${client.client_id}`,
        client,
        redirects: typed?.redirects ?? ((stored.redirect_uris as string[] | undefined) ?? []).join('\n'),
        postLogouts:
          typed?.postLogouts ?? ((stored.post_logout_redirect_uris as string[] | undefined) ?? []).join('\n'),
        resourceServerOf:
          typed?.resourceServerOf ?? ((stored.resource_server_of as string[] | undefined) ?? []).join('\n'),
        resources: typed?.resources ?? ((stored.allowed_resources as string[] | undefined) ?? []).join('\n'),
        resourceScopes: typed?.resourceScopes ?? linesFromScopes(stored.resource_scopes),
        confidential: stored.token_endpoint_auth_method !== 'none',
        // not `version`: the layout's footer shows the product's version under that name
        clientVersion: versionTag(stored),
        error: error ?? (refused ? general.join(' ') || 'Not saved: see the fields marked below.' : undefined),
        problems: fields,
        advancedOpen: ADVANCED_FIELDS.some((field) => fields[field]),
      },
      status,
    );
  };
}

const STALE =
  'This client was changed since you opened this page (by another administrator or through the API). These are its current settings: make your change again.';

/** POST /admin/clients/:id — every setting the admin API's PATCH takes, if unchanged since the page was shown. */
export function editClient(deps: ConsoleDeps) {
  const detail = clientDetail(deps);
  return async function editClient(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    const typed = typedClientEdit(ctx);
    const body = clientEditBody(typed);
    const parsed = clientPatchSchema.safeParse(body);
    if (!parsed.success)
      return detail(ctx, undefined, 400, {
        problems: parsed.error.issues.map((issue) => problemFromIssue(issue, body)),
        typed,
      });
    try {
      // Only if unchanged since the page was shown, like the admin API's If-Match.
      await updateClient(consoleAdminDeps(deps, ctx), id, parsed.data, {
        version: formField(ctx, 'client_version'),
      });
    } catch (err) {
      if (!(err instanceof AdminProblem)) throw err;
      if (err.type === 'precondition-failed') return detail(ctx, STALE, 409);
      if (err.status === 409) return detail(ctx, err.message, 409);
      return detail(ctx, undefined, 400, { problems: [problemFromMessage(err.message)], typed });
    }
    doneRedirect(deps, ctx, `/admin/clients/${encodeURIComponent(id)}`, 'Client saved.');
  };
}

/** POST /admin/clients/:id/rotate-secret — a new secret, shown once. */
export function rotateSecret(deps: ConsoleDeps) {
  return async function rotateSecret(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    const clientSecret = await rotateClientSecret(consoleAdminDeps(deps, ctx), id);
    renderConsole(deps, ctx, 'client-secret.njk', 'clients', {
      title: 'New secret',
      heading: 'New secret',
      clientId: id,
      clientSecret,
    });
  };
}

/** POST /admin/clients/:id/delete — after typing the client id to confirm. */
export function removeClient(deps: ConsoleDeps) {
  const detail = clientDetail(deps);
  return async function removeClient(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    if (formField(ctx, 'confirm') !== id) return detail(ctx, `Type ${id} to confirm the deletion.`, 400);
    await deleteClient(consoleAdminDeps(deps, ctx), id);
    doneRedirect(deps, ctx, '/admin/clients', `Client ${id} deleted.`);
  };
}
