import { z } from 'zod';

import type { AdminDeps } from '../admin-deps.ts';
import { getUser, listUsers, resetUserMfa, unlockUser, updateUser, userDetail } from '../users.ts';
import { type InviteMail, inviteUser } from '../users/add-user.ts';
import { userLinks, unlinkUser } from '../users/linked-sign-ins.ts';
import { allowUserPassword, removeUserPasskeys, requireUserPasskey, userPasskeys } from '../users/passkeys.ts';
import { mailPasswordReset } from '../users/passwords.ts';
import {
  countSchema,
  itemIdSchema,
  linkSchema,
  passkeySchema,
  sessionSchema,
  userCreateSchema,
  userDetailSchema,
  userIdSchema,
  userPatchSchema,
  userSchema,
} from '../users/schemas.ts';
import { endUserSession, signOutUser, userSessions } from '../users/sessions.ts';
import type { NotifyDeps } from '../../mail/notify-account.ts';
import { type ApiRoute, decodeCursor, page } from './api-route.ts';
import { cursorQuery, limitQuery, pageOf } from './api-schemas.ts';

const idParams = z.object({ id: userIdSchema });
const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** The user routes; inviting needs the mail services (absent: invitations are refused). */
export function userRoutes(
  invite: (NotifyDeps & { passwordMinLength: number; resetSeconds: number }) | undefined,
): ApiRoute[] {
  const action = (
    path: string,
    summary: string,
    run: (deps: AdminDeps, id: string) => Promise<unknown>,
    response?: z.ZodType,
  ): ApiRoute => ({
    method: 'post',
    path: `/users/{id}/${path}`,
    area: 'users',
    write: true,
    summary,
    params: idParams,
    ...(response ? { response } : {}),
    handler: async ({ deps, params }) => {
      const result = await run(deps, params.id!);
      return response ? { count: result } : undefined;
    },
  });
  const items = (
    path: string,
    summary: string,
    item: z.ZodType,
    read: (deps: AdminDeps, id: string) => Promise<unknown[]>,
  ): ApiRoute => ({
    method: 'get',
    path: `/users/{id}/${path}`,
    area: 'users',
    write: false,
    summary,
    params: idParams,
    response: itemsOf(item),
    handler: async ({ deps, params }) => ({ items: await read(deps, params.id!) }),
  });
  const remove = (
    path: string,
    summary: string,
    run: (deps: AdminDeps, id: string, item: string) => Promise<unknown>,
  ): ApiRoute => ({
    method: 'delete',
    path: `/users/{id}/${path}/{item}`,
    area: 'users',
    write: true,
    summary,
    params: z.object({ id: userIdSchema, item: itemIdSchema }),
    handler: async ({ deps, params }) => {
      await run(deps, params.id!, params.item!);
    },
  });
  return [
    {
      method: 'get',
      path: '/users',
      area: 'users',
      write: false,
      summary: 'List users by email; q matches the start of the email',
      query: z.object({ limit: limitQuery, cursor: cursorQuery, q: z.string().max(320).optional() }),
      response: pageOf(userSchema),
      handler: async ({ deps, query }) => {
        const limit = query.limit as number;
        const items = await listUsers(deps, {
          limit,
          q: query.q as string | undefined,
          after: decodeCursor<string>(query.cursor, 'string'),
        });
        return page(items, limit, (u) => u.email);
      },
    },
    {
      method: 'post',
      path: '/users',
      area: 'users',
      write: true,
      summary: 'Invite a user: an account, and a mailed link to choose the first password',
      body: userCreateSchema,
      response: userSchema,
      status: 201,
      handler: async ({ deps, body }) => getUser(deps, await inviteUser(deps, invite satisfies InviteMail, body)),
    },
    {
      method: 'get',
      path: '/users/{id}',
      area: 'users',
      write: false,
      summary: 'One user with factors, passkeys, links, groups, roles and applications, with its ETag',
      params: idParams,
      response: userDetailSchema,
      current: (deps, params) => getUser(deps, params.id!),
      answerBeyondCurrent: true,
      handler: ({ deps, params }) => userDetail(deps, params.id!),
    },
    {
      method: 'patch',
      path: '/users/{id}',
      area: 'users',
      write: true,
      summary: 'Disable (signs out everywhere) or enable a user (If-Match required)',
      params: idParams,
      body: userPatchSchema,
      response: userSchema,
      current: (deps, params) => getUser(deps, params.id!),
      handler: ({ deps, params, body }) => updateUser(deps, params.id!, body),
    },
    action('unlock', 'Clear failed sign-in and second-factor counters and locks', unlockUser),
    action('password-reset', 'Mail the user a single-use link to choose a new password', (deps, id) =>
      mailPasswordReset(deps, invite, id),
    ),
    action('reset-mfa', 'Remove the second factor and recovery codes', resetUserMfa),
    action(
      'remove-passkeys',
      'Remove every passkey (a lost device)',
      async (deps, id) => (await removeUserPasskeys(deps, id, { passkey: 'all' })).removed,
      countSchema,
    ),
    action('require-passkey', 'Passkey-only: the password is no longer accepted', requireUserPasskey),
    action('allow-password', 'Accept the password of a passkey-only user again', allowUserPassword),
    action('sign-out', 'End every session and grant of the user', signOutUser, countSchema),
    items('passkeys', "The user's passkeys (never their keys)", passkeySchema, userPasskeys),
    remove('passkeys', 'Remove one passkey (not the last of a passkey-only user)', (deps, id, passkey) =>
      removeUserPasskeys(deps, id, { passkey }),
    ),
    items(
      'sessions',
      "The user's browser sessions and the applications each signed in to",
      sessionSchema,
      userSessions,
    ),
    remove('sessions', 'End one session: its applications are told, its grants revoked', endUserSession),
    items('links', "The user's linked sign-ins (upstream identity providers)", linkSchema, userLinks),
    remove('links', 'Unlink an upstream identity from the user', unlinkUser),
  ];
}
