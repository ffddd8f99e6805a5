import type { Context } from 'koa';

import { ownAccount } from '../accounts/own-account.ts';
import { listPasskeys } from '../passkeys/manage-passkeys.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import { mfaStatus } from '../mfa/mfa-status.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { AccountDeps } from './account-deps.ts';
import { ACCOUNT_CLIENT_ID } from './account-client.ts';
import { grantedApplications } from '../accounts/granted-applications.ts';
import { recentReuseRevocations } from '../security/reuse-revocations.ts';
import { accountCsrfSubject } from './account-csrf.ts';
import { linkedSignIns } from './linked-sign-in-list.ts';

const day = (date: Date) => date.toISOString().slice(0, 10);

/** GET /account — who is signed in and their second-factor settings. */
export async function renderAccount(
  deps: AccountDeps,
  ctx: Context,
  notice?: { message?: string; error?: string; reauthenticate?: boolean },
  status = 200,
): Promise<void> {
  const { accountId } = ctx.state.accountSession!;
  const [account, mfa, passkeys, applications, revocations, links] = await Promise.all([
    ownAccount(deps.connection, accountId),
    mfaStatus(deps.connection, accountId),
    listPasskeys(deps.connection, accountId),
    grantedApplications(deps.live.provider, deps.connection, accountId),
    recentReuseRevocations(deps.connection, accountId),
    linkedSignIns(deps, accountId),
  ]);
  const revokedAccess = await Promise.all(
    revocations.map(async ({ clientId, at }) => {
      const client = await deps.live.provider.Client.find(clientId);
      return { name: client?.clientName ?? clientId, date: day(at) };
    }),
  );
  renderScreen(
    deps.views,
    ctx,
    'account.njk',
    {
      title: 'Your account',
      email: account?.email ?? accountId,
      mfa,
      passwordDisabled: account?.passwordDisabled === true,
      emailVerified: account?.emailVerified === true,
      mailEnabled: deps.notify.mailer.enabled,
      passkeys: passkeys.map((passkey) => ({
        id: passkey._id,
        name: passkey.name,
        created: day(passkey.createdAt),
        lastUsed: passkey.lastUsedAt ? day(passkey.lastUsedAt) : undefined,
      })),
      links,
      applications: applications.filter((app) => app.clientId !== ACCOUNT_CLIENT_ID),
      csrf: csrfToken(currentCsrfKey(deps.live), accountCsrfSubject(ctx)!),
      message: notice?.message,
      error: notice?.error,
      reauthenticate: notice?.reauthenticate,
      revokedAccess,
    },
    status,
  );
}

export function showAccount(deps: AccountDeps) {
  return function showAccount(ctx: Context): Promise<void> {
    return renderAccount(deps, ctx);
  };
}
