import type Koa from 'koa';

import type { AppInput } from './app-input.ts';

/** The app's own settings: cookie keys, proxy trust and the last-resort error log. */
export function applyAppSettings(app: Koa, { config, holder, logger }: AppInput): void {
  // oidc-provider, mounted, sets its cookies through this app's context: sign them with the
  // same keys it verifies them with, which change when keys rotate.
  Object.defineProperty(app, 'keys', { get: () => holder.keys.cookie, set: () => undefined });
  // X-Forwarded-* are believed only when the operator says proxies set them, and of
  // X-Forwarded-For only the entries those proxies appended: the client writes the rest.
  app.proxy = config.proxyHops > 0;
  app.maxIpsCount = config.proxyHops;
  app.on('error', (err) => logger.error({ err }, 'koa error outside a request handler'));
}
