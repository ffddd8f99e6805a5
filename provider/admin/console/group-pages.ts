import type { Context } from 'koa';

import { AdminProblem, notFound } from '../admin-deps.ts';
import { accountIdByEmail } from '../access/accounts.ts';
import { createGroup, groupView, groupsView, removeGroup, setGroupMember } from '../access/groups.ts';
import { formField } from '../../forms/form-field.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { consoleAdminDeps } from './console-session.ts';
import { doneRedirect, renderConsole } from './render-console.ts';

const groupPath = (name: string) => `/admin/groups/${encodeURIComponent(name)}`;

/** A refusal of the service, shown on the form it came from (400). */
async function orShow(work: () => Promise<void>, show: (error: string) => Promise<void>) {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof AdminProblem)) throw err;
    await show(err.message);
  }
}

async function renderList(deps: ConsoleDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  const groups = await groupsView(deps);
  renderConsole(deps, ctx, 'groups.njk', 'groups', { title: 'Groups', groups, error }, status);
}

/** A group's page; the list with a 404 when there is no such group (any more). */
async function renderGroup(deps: ConsoleDeps, ctx: Context, error?: string, status = 200): Promise<void> {
  let group: Awaited<ReturnType<typeof groupView>>;
  try {
    group = await groupView(deps, String(ctx.params.name));
  } catch (err) {
    if (!(err instanceof AdminProblem)) throw err;
    return renderList(deps, ctx, err.message, 404);
  }
  renderConsole(deps, ctx, 'group.njk', 'groups', { title: `Group ${group.name}`, group, error }, status);
}

/** GET /admin/groups — the groups, their parents and member counts, and the "new group" form. */
export function groupList(deps: ConsoleDeps) {
  return (ctx: Context) => renderList(deps, ctx);
}

/** POST /admin/groups — add a group (in a parent or not). */
export function addGroupAction(deps: ConsoleDeps) {
  return async function addGroupAction(ctx: Context): Promise<void> {
    const name = formField(ctx, 'name').trim();
    const parent = formField(ctx, 'parent').trim();
    const description = formField(ctx, 'description').trim();
    await orShow(
      async () => {
        await createGroup(consoleAdminDeps(deps, ctx), {
          name,
          ...(parent ? { parent } : {}),
          ...(description ? { description } : {}),
        });
        doneRedirect(deps, ctx, groupPath(name), `Group ${name} added.`);
      },
      (error) => renderList(deps, ctx, error, 400),
    );
  };
}

/** GET /admin/groups/:name — its members (and who put them there), its roles, and the member forms. */
export function groupPage(deps: ConsoleDeps) {
  return (ctx: Context) => renderGroup(deps, ctx);
}

/** POST /admin/groups/:name/members — put the user with this email in the group. */
export function addMemberAction(deps: ConsoleDeps) {
  return async function addMemberAction(ctx: Context): Promise<void> {
    const group = String(ctx.params.name);
    const email = formField(ctx, 'email').trim();
    await orShow(
      async () => {
        const user = await accountIdByEmail(deps, email);
        if (!user) throw notFound(`user ${email}`);
        const changed = await setGroupMember(consoleAdminDeps(deps, ctx), { group, user }, true);
        doneRedirect(deps, ctx, groupPath(group), changed ? `${email} added.` : `${email} was already in it.`);
      },
      (error) => renderGroup(deps, ctx, error, 400),
    );
  };
}

/** POST /admin/groups/:name/members/remove — take a member (by account id) out. */
export function removeMemberAction(deps: ConsoleDeps) {
  return async function removeMemberAction(ctx: Context): Promise<void> {
    const group = String(ctx.params.name);
    await orShow(
      async () => {
        const changed = await setGroupMember(
          consoleAdminDeps(deps, ctx),
          { group, user: formField(ctx, 'user') },
          false,
        );
        doneRedirect(deps, ctx, groupPath(group), changed ? 'Member removed.' : 'Not a member.');
      },
      (error) => renderGroup(deps, ctx, error, 400),
    );
  };
}

/** POST /admin/groups/:name/delete — delete the group with its memberships and role assignments. */
export function deleteGroupAction(deps: ConsoleDeps) {
  return async function deleteGroupAction(ctx: Context): Promise<void> {
    const group = String(ctx.params.name);
    await orShow(
      async () => {
        await removeGroup(consoleAdminDeps(deps, ctx), group);
        doneRedirect(deps, ctx, '/admin/groups', `Group ${group} deleted.`);
      },
      (error) => renderGroup(deps, ctx, error, 400),
    );
  };
}
