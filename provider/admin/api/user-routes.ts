import { z } from 'zod';

import {
  getUser,
  listUsers,
  mailPasswordReset,
  removeUserPasskeys,
  resetUserMfa,
  setUserDisabled,
  signOutUser,
  unlockUser,
  userDetail,
} from '../users.ts';
import { type AdminDeps, conflict, recordAdmin } from '../admin-deps.ts';
import { type ApiRoute, decodeCursor, page } from './api-route.ts';
import {
  countSchema,
  cursorQuery,
  limitQuery,
  pageOf,
  userCreateSchema,
  userDetailSchema,
  userPatchSchema,
  userSchema,
} from './api-schemas.ts';
import type { NotifyDeps } from '../../mail/notify-account.ts';
import { inviteAccount } from '../../accounts/invite-account.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

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
      handler: async ({ deps, body }) => {
        if (!invite) throw conflict('email is not configured (SMTP_URL): invitations cannot be sent');
        const input = body as z.infer<typeof userCreateSchema>;
        let id: string;
        try {
          id = await inviteAccount(invite, input);
        } catch (err) {
          if ((err as { code?: number }).code === 11000) throw conflict('a user with this email exists already');
          throw err;
        }
        await recordAdmin(deps, 'admin.user.invited', { account: id });
        return getUser(deps, id);
      },
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
      handler: async ({ deps, params, body }) => {
        const input = body as z.infer<typeof userPatchSchema>;
        if (input.disabled === undefined) return getUser(deps, params.id!);
        return setUserDisabled(deps, params.id!, input.disabled);
      },
    },
    action('unlock', 'Clear failed sign-in and second-factor counters and locks', unlockUser),
    action('password-reset', 'Mail the user a single-use link to choose a new password', async (deps, id) => {
      if (!invite) throw conflict('email is not configured (SMTP_URL): the link cannot be sent');
      await mailPasswordReset(deps, invite, id);
    }),
    action('reset-mfa', 'Remove the second factor and recovery codes', resetUserMfa),
    action('remove-passkeys', 'Remove every passkey (a lost device)', removeUserPasskeys, countSchema),
    action('sign-out', 'End every session and grant of the user', signOutUser, countSchema),
  ];
}
