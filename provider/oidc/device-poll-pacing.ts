import { createHash } from 'node:crypto';

import type { Connection } from 'mongoose';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { DEVICE_CODE_GRANT } from '../clients/client-template.ts';
import { rateWindowModel } from '../security/rate-window-model.ts';

/** RFC 8628 3.2: the polling interval the device is told (oidc-provider's), in seconds. */
const POLL_INTERVAL_SECONDS = 5;

type Next = () => Promise<unknown>;

/**
 * RFC 8628 3.5 `slow_down`, which oidc-provider leaves to us: a device that polls again within
 * the interval, while its request is still pending, is told to slow down instead. Only a
 * pending answer is changed (tokens and final errors pass as they are). The last poll of each
 * device code is kept in MongoDB (its hash, with the rate windows), so every instance agrees.
 */
export function devicePollPacing(connection: Connection) {
  return async function devicePollPacing(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    const body = ctx.body as { error?: string } | undefined;
    if (ctx.oidc?.route !== 'token' || body?.error !== 'authorization_pending') return;
    const deviceCode = ctx.oidc.params?.device_code;
    if (ctx.oidc.params?.grant_type !== DEVICE_CODE_GRANT || typeof deviceCode !== 'string') return;
    const now = Date.now();
    const id = `device-poll:${createHash('sha256').update(deviceCode).digest('base64url')}`;
    try {
      // Matches only a poll at least an interval old; a newer one makes the upsert collide.
      await rateWindowModel(connection).updateOne(
        { _id: id, expiresAt: { $lte: new Date(now + 3600_000 - POLL_INTERVAL_SECONDS * 1000) } },
        { $set: { count: 1, expiresAt: new Date(now + 3600_000) } },
        { upsert: true },
      );
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      ctx.body = { error: 'slow_down', error_description: `poll at most every ${POLL_INTERVAL_SECONDS} seconds` };
    }
  };
}
