import type { Context, Next } from 'koa';
import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import { reachesLibraryPath } from '../oidc/library-path.ts';
import { countInWindow } from '../security/count-in-window.ts';
import { renderScreen } from '../views/render-screen.ts';

const WINDOW_MS = 15 * 60 * 1000;
/** Code entries (and confirmations) per address in 15 minutes: plenty for people, few for guessing. */
export const DEVICE_CODES_PER_WINDOW = 30;

/**
 * RFC 8628 5.1: user codes are short, so their entry is rate limited. oidc-provider does not
 * limit it; each POST to /device from one address is counted (in MongoDB, for every instance)
 * before the library looks the code up, under every spelling the library routes (`/DEVICE/`).
 */
export function deviceCodeThrottle(connection: Connection, views: nunjucks.Environment) {
  return async function deviceCodeThrottle(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST' || !reachesLibraryPath(ctx.path, '/device')) return next();
    if ((await countInWindow(connection, `device-code:${ctx.ip}`, WINDOW_MS)) <= DEVICE_CODES_PER_WINDOW) return next();
    renderScreen(
      views,
      ctx,
      'device-code.njk',
      { title: 'Connect a device', error: 'Too many codes tried from your network. Wait a few minutes and try again.' },
      429,
    );
  };
}
