import type { Context } from 'koa';

import { AdminProblem } from '../admin-deps.ts';
import { resourceLockKey, withChangeLock } from '../change-lock.ts';
import { addUpstream, deleteUpstream, setUpstreamEnabled, updateUpstream } from '../upstreams/operations.ts';
import { idpCreateSchema, idpPatchSchema } from '../upstreams/schemas.ts';
import { getUpstream, listUpstreams } from '../upstreams/views.ts';
import { versionTag } from '../version-tag.ts';
import { formField } from '../../forms/form-field.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { doneRedirect, renderConsole } from './render-console.ts';
import { changedSettings, formOf, settingsBody, typedUpstream, type UpstreamForm } from './upstream-form.ts';
import {
  type UpstreamProblem,
  upstreamProblemFromIssue,
  upstreamProblemFromMessage,
  upstreamProblemsByField,
} from './upstream-form-problems.ts';

const pathOf = (id: string) => `/admin/upstreams/${encodeURIComponent(id)}`;

/** The admin API's lock for the same upstream: a console change and an API change never interleave. */
const locked = <T>(deps: ConsoleDeps, id: string, work: () => Promise<T>) =>
  withChangeLock(deps.connection, resourceLockKey('/idps/{id}', { id }), work);

const EMPTY: UpstreamForm = {
  type: 'oidc',
  id: '',
  name: '',
  issuer: '',
  api_url: '',
  client_id: '',
  scopes: '',
  domains: '',
  claim_email: '',
  claim_email_verified: '',
  claim_name: '',
  claim_groups: '',
  group_map: '',
  mfa_acr_values: '',
  provision: false,
  userinfo: false,
  upstream_logout: false,
};

/** A refusal as the form's problems: zod's issues, or the service's one message. */
function problemsOf(err: unknown): UpstreamProblem[] {
  if (err instanceof AdminProblem) return [upstreamProblemFromMessage(err.message)];
  throw err;
}

/** GET /admin/upstreams — every upstream, with its state. */
export function upstreamList(deps: ConsoleDeps) {
  return async function upstreamList(ctx: Context): Promise<void> {
    renderConsole(deps, ctx, 'upstreams.njk', 'upstreams', {
      title: 'Upstream sign-in',
      upstreams: await listUpstreams(deps),
    });
  };
}

function renderNew(deps: ConsoleDeps, ctx: Context, form: UpstreamForm, problems: UpstreamProblem[] = []) {
  const { fields, general } = upstreamProblemsByField(problems);
  renderConsole(
    deps,
    ctx,
    'upstream.njk',
    'upstreams',
    {
      title: 'New upstream',
      creating: true,
      form,
      problems: fields,
      error: problems.length
        ? general.join(' ') || 'The upstream was not added: see the fields marked below.'
        : undefined,
    },
    problems.length ? 400 : 200,
  );
}

/** GET /admin/upstreams/new — the form to add one (admins only: a viewer has nothing to fill in). */
export function newUpstream(deps: ConsoleDeps) {
  return async function newUpstream(ctx: Context): Promise<void> {
    renderNew(deps, ctx, EMPTY);
  };
}

/** POST /admin/upstreams — parsed with the admin API's schema, added by the same service. */
export function addUpstreamPage(deps: ConsoleDeps) {
  return async function addUpstreamPage(ctx: Context): Promise<void> {
    const form = typedUpstream(ctx);
    const body = {
      id: form.id,
      type: form.type,
      ...settingsBody(form),
      client_secret: formField(ctx, 'client_secret'),
    };
    const parsed = idpCreateSchema.safeParse(body);
    if (!parsed.success) return renderNew(deps, ctx, form, parsed.error.issues.map(upstreamProblemFromIssue));
    try {
      await addUpstream(consoleAdminDeps(deps, ctx), parsed.data);
    } catch (err) {
      return renderNew(deps, ctx, form, problemsOf(err));
    }
    doneRedirect(deps, ctx, pathOf(form.id), 'Upstream added: register its redirect URI there.');
  };
}

/** GET /admin/upstreams/:id — its settings in the edit form, its state, and delete. */
export function upstreamDetail(deps: ConsoleDeps) {
  return async function upstreamDetail(
    ctx: Context,
    refused?: { status: number; problems: UpstreamProblem[]; form?: UpstreamForm },
  ): Promise<void> {
    const stored = await getUpstream(deps, String(ctx.params.id));
    const { fields, general } = upstreamProblemsByField(refused?.problems ?? []);
    renderConsole(
      deps,
      ctx,
      'upstream.njk',
      'upstreams',
      {
        title: `Upstream ${stored.id}`,
        upstream: stored,
        form: refused?.form ?? formOf(stored),
        // not `version`: the layout's footer shows the product's version under that name
        upstreamVersion: versionTag(stored),
        problems: fields,
        error: refused ? general.join(' ') || 'Not saved: see the fields marked below.' : undefined,
      },
      refused?.status ?? 200,
    );
  };
}

const STALE = new AdminProblem(
  409,
  'conflict',
  'This upstream was changed since you opened this page (by another administrator or through the API). These are its current settings: make your change again.',
);

/** POST /admin/upstreams/:id — the settings that differ from the stored ones, if unchanged since shown. */
export function editUpstream(deps: ConsoleDeps) {
  const detail = upstreamDetail(deps);
  return async function editUpstream(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    const secret = formField(ctx, 'client_secret');
    let form: UpstreamForm | undefined;
    try {
      const saved = await locked(deps, id, async () => {
        const stored = await getUpstream(deps, id);
        if (versionTag(stored) !== formField(ctx, 'upstream_version')) throw STALE;
        // The type and id cannot change: the form's hidden values are not trusted for them.
        form = { ...typedUpstream(ctx), type: stored.type, id };
        const body = { ...changedSettings(settingsBody(form), stored), ...(secret ? { client_secret: secret } : {}) };
        if (!Object.keys(body).length) return false;
        const parsed = idpPatchSchema.safeParse(body);
        if (!parsed.success) return parsed.error.issues.map(upstreamProblemFromIssue);
        await updateUpstream(consoleAdminDeps(deps, ctx), id, parsed.data);
        return true;
      });
      if (Array.isArray(saved)) return detail(ctx, { status: 400, problems: saved, form });
      doneRedirect(deps, ctx, pathOf(id), saved ? 'Upstream saved.' : 'Nothing to change.');
    } catch (err) {
      if (err instanceof AdminProblem && err.status === 409)
        return detail(ctx, { status: 409, problems: [{ text: err.message }] });
      return detail(ctx, { status: 400, problems: problemsOf(err), form });
    }
  };
}

/** POST /admin/upstreams/:id/enable and /disable — its button and sign-ins on or off. */
export function toggleUpstream(deps: ConsoleDeps, enabled: boolean) {
  return async function toggleUpstream(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    await locked(deps, id, () => setUpstreamEnabled(consoleAdminDeps(deps, ctx), id, enabled));
    doneRedirect(deps, ctx, pathOf(id), enabled ? 'Upstream enabled.' : 'Upstream disabled: its sign-ins are refused.');
  };
}

/** POST /admin/upstreams/:id/delete — after typing its id to confirm; account links go with it. */
export function removeUpstream(deps: ConsoleDeps) {
  const detail = upstreamDetail(deps);
  return async function removeUpstream(ctx: Context): Promise<void> {
    const id = String(ctx.params.id);
    if (formField(ctx, 'confirm') !== id)
      return detail(ctx, { status: 400, problems: [{ text: `Type ${id} to confirm the deletion.` }] });
    const links = await locked(deps, id, () => deleteUpstream(consoleAdminDeps(deps, ctx), id));
    doneRedirect(deps, ctx, '/admin/upstreams', `Upstream ${id} deleted with ${links} account link(s).`);
  };
}
