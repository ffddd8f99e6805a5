import type { Context } from 'koa';

import { AdminProblem } from '../admin-deps.ts';
import { deleteResource, listResources, saveResource } from '../resources.ts';
import { formField } from '../../forms/form-field.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { doneRedirect, renderConsole } from './render-console.ts';

const PAGE = 100;

async function render(deps: ConsoleDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  const after = typeof ctx.query.after === 'string' ? ctx.query.after : undefined;
  const apis = await listResources(deps, { limit: PAGE, after });
  renderConsole(
    deps,
    ctx,
    'apis.njk',
    'apis',
    { title: 'APIs', apis, next: apis.length === PAGE ? apis.at(-1)!.indicator : undefined, error },
    status,
  );
}

/** GET /admin/apis — the APIs with their scopes, how they are handed out and their roles. */
export function apiList(deps: ConsoleDeps) {
  return (ctx: Context) => render(deps, ctx);
}

/** The form's lifetime as the number the service checks (empty: the provider's default). */
function seconds(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text.trim());
}

/** POST /admin/apis — add an API or change its name, scopes and access-token lifetime. */
export function saveApi(deps: ConsoleDeps) {
  return async function saveApi(ctx: Context): Promise<void> {
    const indicator = formField(ctx, 'indicator').trim();
    try {
      await saveResource(consoleAdminDeps(deps, ctx), {
        indicator,
        name: formField(ctx, 'name').trim() || indicator,
        scopes: formField(ctx, 'scopes')
          .split(/[\s,]+/)
          .filter(Boolean),
        access_token_ttl: seconds(formField(ctx, 'access_token_ttl')),
        scope_access: formField(ctx, 'scope_access') === 'roles' ? 'roles' : 'open',
      });
    } catch (err) {
      if (!(err instanceof AdminProblem)) throw err;
      return render(deps, ctx, err.message, 400);
    }
    doneRedirect(deps, ctx, '/admin/apis', `API ${indicator} saved.`);
  };
}

/** POST /admin/apis/delete — delete an API, its indicator typed again to confirm (tokens already issued stay valid). */
export function removeApi(deps: ConsoleDeps) {
  return async function removeApi(ctx: Context): Promise<void> {
    const indicator = formField(ctx, 'indicator').trim();
    if (formField(ctx, 'confirm').trim() !== indicator)
      return render(deps, ctx, 'Type the indicator again to confirm the deletion.', 400);
    try {
      await deleteResource(consoleAdminDeps(deps, ctx), indicator);
    } catch (err) {
      if (!(err instanceof AdminProblem)) throw err;
      return render(deps, ctx, err.message, err.status);
    }
    doneRedirect(deps, ctx, '/admin/apis', `API ${indicator} deleted.`);
  };
}
