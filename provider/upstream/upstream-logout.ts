import { createHash, randomBytes } from 'node:crypto';

import type { Connection } from 'mongoose';
import * as client from 'openid-client';

import { listLinks } from './identity-links.ts';
import type { UpstreamDeps } from './upstream-deps.ts';
import { upstreamLogoutModel } from './upstream-logout-model.ts';

/** How long the trip through the upstream's logout may take (its confirmation page included). */
const LOGOUT_SECONDS = 600;

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

/** Where the upstream sends the browser back after its logout: registered there as a post-logout redirect URI. */
const loggedOutUrl = (issuer: string) => `${issuer}/upstream/logged-out`;

/**
 * The upstream end-session URL for an account that signed in through an upstream, or undefined
 * when there is none to visit. The session does not say which upstream it came through, so the
 * account's most recently used link decides; the upstream must have upstream logout on and
 * publish an end_session_endpoint. No id_token_hint is kept: `client_id` identifies us (OpenID
 * Connect RP-Initiated Logout 1.0 allows either), and the upstream may ask its user to confirm.
 */
export async function upstreamLogoutUrl(
  deps: UpstreamDeps & { connection: Connection },
  accountId: string,
  returnTo: string,
): Promise<string | undefined> {
  const [latest] = (await listLinks(deps.connection, accountId)).sort(
    (a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime(),
  );
  const idp = latest ? await deps.directory.find(latest.idp) : undefined;
  if (!idp?.upstreamLogout || idp.type !== 'oidc') return undefined;
  const config = await deps.clients.configuration(idp);
  if (!config.serverMetadata().end_session_endpoint) return undefined;
  const state = randomBytes(24).toString('base64url');
  await upstreamLogoutModel(deps.connection).insertMany([
    { _id: hash(state), returnTo, expiresAt: new Date(Date.now() + LOGOUT_SECONDS * 1000) },
  ]);
  return client.buildEndSessionUrl(config, {
    client_id: idp.clientId,
    post_logout_redirect_uri: loggedOutUrl(deps.issuer),
    state,
  }).href;
}

/** Where to send a browser back from the upstream's logout: once per state, then nothing. */
export async function takeLogoutReturn(connection: Connection, state: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(state)) return undefined;
  const Logout = upstreamLogoutModel(connection);
  const record = await Logout.findOne({ _id: hash(state), expiresAt: { $gt: new Date() } }).lean();
  if (!record) return undefined;
  const taken = await Logout.deleteOne({ _id: record._id });
  return taken.deletedCount === 1 ? record.returnTo : undefined;
}
