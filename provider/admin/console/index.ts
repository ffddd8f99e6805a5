import Router from '@koa/router';

import { validCsrfKeys } from '../../forms/csrf.ts';
import { noStore } from '../../forms/no-store.ts';
import { parseForm } from '../../forms/parse-form.ts';
import { verifyCsrf } from '../../forms/verify-csrf.ts';
import { apiList, removeApi, saveApi } from './api-pages.ts';
import { auditPage } from './audit-page.ts';
import { addClient, clientDetail, clientList, editClient, removeClient, rotateSecret } from './client-pages.ts';
import type { ConsoleDeps } from './console-deps.ts';
import {
  consoleCsrfSubject,
  requireAdminRole,
  requireConsoleUser,
  requireRecentConsoleSignIn,
} from './console-session.ts';
import { dashboard } from './dashboard.ts';
import {
  addGroupAction,
  addMemberAction,
  deleteGroupAction,
  groupList,
  groupPage,
  removeMemberAction,
} from './group-pages.ts';
import { keysPage, rotateKeysAction } from './keys-page.ts';
import { deleteRoleAction, holderAction, roleList, saveRoleAction } from './role-pages.ts';
import { finishConsoleSignIn, startConsoleSignIn } from './sign-in.ts';
import {
  addUpstreamPage,
  editUpstream,
  newUpstream,
  removeUpstream,
  toggleUpstream,
  upstreamDetail,
  upstreamList,
} from './upstream-pages.ts';
import { userAction, userList, userPage } from './user-pages.ts';

/**
 * The route table of the admin console (/admin): server-rendered pages over the same services as
 * the admin API and CLI. Reading needs the admin or viewer role and a second factor in this
 * sign-in; changing needs the admin role and a CSRF token; destroying needs a recent sign-in too.
 */
export function consoleRoutes(deps: ConsoleDeps): Router {
  const router = new Router({ prefix: '/admin' });
  const user = requireConsoleUser(deps);
  const csrf = verifyCsrf(() => validCsrfKeys(deps.live), consoleCsrfSubject);
  const change = [noStore, user, parseForm, csrf, requireAdminRole] as const;
  const recent = requireRecentConsoleSignIn(deps);

  router.get('/login', noStore, startConsoleSignIn(deps.issuer));
  router.get('/reauthenticate', noStore, startConsoleSignIn(deps.issuer, { prompt: 'login' }));
  router.get('/callback', noStore, finishConsoleSignIn);
  router.get('/', noStore, user, dashboard(deps));
  router.get('/clients', noStore, user, clientList(deps));
  router.post('/clients', ...change, addClient(deps));
  router.get('/clients/:id', noStore, user, (ctx) => clientDetail(deps)(ctx));
  router.post('/clients/:id', ...change, editClient(deps));
  router.post('/clients/:id/rotate-secret', ...change, recent, rotateSecret(deps));
  router.post('/clients/:id/delete', ...change, recent, removeClient(deps));
  router.get('/apis', noStore, user, apiList(deps));
  router.post('/apis', ...change, saveApi(deps));
  router.post('/apis/delete', ...change, recent, removeApi(deps));
  router.get('/users', noStore, user, userList(deps));
  router.get('/users/:id', noStore, user, userPage(deps));
  router.post('/users/:id/:action', ...change, recent, userAction(deps));
  router.get('/upstreams', noStore, user, upstreamList(deps));
  router.get('/upstreams/new', noStore, user, requireAdminRole, newUpstream(deps));
  router.post('/upstreams', ...change, addUpstreamPage(deps));
  router.get('/upstreams/:id', noStore, user, (ctx) => upstreamDetail(deps)(ctx));
  router.post('/upstreams/:id', ...change, editUpstream(deps));
  router.post('/upstreams/:id/enable', ...change, toggleUpstream(deps, true));
  router.post('/upstreams/:id/disable', ...change, toggleUpstream(deps, false));
  router.post('/upstreams/:id/delete', ...change, recent, removeUpstream(deps));
  router.get('/groups', noStore, user, groupList(deps));
  router.post('/groups', ...change, addGroupAction(deps));
  router.get('/groups/:name', noStore, user, groupPage(deps));
  router.post('/groups/:name/members', ...change, addMemberAction(deps));
  router.post('/groups/:name/members/remove', ...change, removeMemberAction(deps));
  router.post('/groups/:name/delete', ...change, recent, deleteGroupAction(deps));
  router.get('/roles', noStore, user, roleList(deps));
  router.post('/roles', ...change, saveRoleAction(deps));
  router.post('/roles/grant', ...change, holderAction(deps, true));
  router.post('/roles/revoke', ...change, holderAction(deps, false));
  router.post('/roles/delete', ...change, recent, deleteRoleAction(deps));
  router.get('/keys', noStore, user, keysPage(deps));
  router.post('/keys/rotate', ...change, recent, rotateKeysAction(deps));
  router.get('/audit', noStore, user, auditPage(deps));
  return router;
}
