import type { Context } from 'koa';

import { AdminProblem, notFound } from '../admin-deps.ts';
import { accountIdByEmail } from '../access/accounts.ts';
import { putRole, removeRole, rolesWithHolders, setRoleHolder } from '../access/roles.ts';
import { type Holding, holderKind } from '../access/schemas.ts';
import { listResources } from '../resources.ts';
import { formField } from '../../forms/form-field.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { doneRedirect, renderConsole } from './render-console.ts';

/** Enough for the form's list of APIs; more APIs than this are typed in. */
const APIS = 200;

const rolesPath = (resource: string) => `/admin/roles?resource=${encodeURIComponent(resource)}`;

/** The roles per API, each with its scopes and holders; `?resource=` shows one API's. */
async function render(deps: ConsoleDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  const wanted = typeof ctx.query.resource === 'string' && ctx.query.resource ? ctx.query.resource : undefined;
  let roles: Awaited<ReturnType<typeof rolesWithHolders>> = [];
  try {
    roles = await rolesWithHolders(deps, wanted);
  } catch (err) {
    if (!(err instanceof AdminProblem)) throw err;
    error ??= err.message;
    status = 400;
  }
  const apis: { resource: string; roles: ((typeof roles)[number] & { key: number })[] }[] = [];
  roles.forEach((role, key) => {
    const last = apis.at(-1);
    if (last?.resource === role.resource) last.roles.push({ ...role, key });
    else apis.push({ resource: role.resource, roles: [{ ...role, key }] });
  });
  const known = (await listResources(deps, { limit: APIS })).map((api) => api.indicator);
  renderConsole(
    deps,
    ctx,
    'roles.njk',
    'roles',
    { title: 'Roles', apis, known, resource: wanted ?? '', error, kinds: holderKind.options },
    status,
  );
}

/** Runs a change from a form; a refusal is shown on the page (400), a success goes back to the API's roles. */
function roleAction(
  deps: ConsoleDeps,
  change: (ctx: Context, form: { resource: string; role: string }) => Promise<string>,
) {
  return async function roleAction(ctx: Context): Promise<void> {
    const form = { resource: formField(ctx, 'resource').trim(), role: formField(ctx, 'role').trim() };
    let done: string;
    try {
      done = await change(ctx, form);
    } catch (err) {
      if (!(err instanceof AdminProblem)) throw err;
      return render(deps, ctx, err.message, 400);
    }
    doneRedirect(deps, ctx, rolesPath(form.resource), done);
  };
}

/** A holder as the form names it: a user by email, a group by name, a client by id. */
async function holderSubject(deps: ConsoleDeps, kind: string, subject: string): Promise<string> {
  if (kind !== 'user' || !subject.includes('@')) return subject;
  const id = await accountIdByEmail(deps, subject);
  if (!id) throw notFound(`user ${subject}`);
  return id;
}

/** GET /admin/roles — roles per API with their scopes and holders, and the forms to change them. */
export function roleList(deps: ConsoleDeps) {
  return (ctx: Context) => render(deps, ctx);
}

/** POST /admin/roles — add a role to an API, or change its scopes. */
export function saveRoleAction(deps: ConsoleDeps) {
  return roleAction(deps, async (ctx, ref) => {
    const description = formField(ctx, 'description').trim();
    const result = await putRole(consoleAdminDeps(deps, ctx), {
      ...ref,
      scopes: formField(ctx, 'scopes')
        .split(/[\s,]+/)
        .filter(Boolean),
      ...(description ? { description } : {}),
    });
    return `Role ${ref.role} ${result}.`;
  });
}

/** POST /admin/roles/grant and /revoke — give a role to a user, group or client, or take it back. */
export function holderAction(deps: ConsoleDeps, hold: boolean) {
  return roleAction(deps, async (ctx, ref) => {
    const kind = formField(ctx, 'kind');
    const named = formField(ctx, 'subject').trim();
    const subject = await holderSubject(deps, kind, named);
    const changed = await setRoleHolder(
      consoleAdminDeps(deps, ctx),
      { ...ref, kind: kind as Holding['kind'], subject },
      hold,
    );
    if (hold) return changed ? `${named} now holds ${ref.role}.` : `${named} already held ${ref.role}.`;
    return changed ? `${named} no longer holds ${ref.role}.` : `${named} did not hold ${ref.role} directly.`;
  });
}

/** POST /admin/roles/delete — delete a role and every assignment of it. */
export function deleteRoleAction(deps: ConsoleDeps) {
  return roleAction(deps, async (ctx, ref) => {
    await removeRole(consoleAdminDeps(deps, ctx), ref);
    return `Role ${ref.role} deleted.`;
  });
}
