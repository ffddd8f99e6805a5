import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

import { isDatabaseUnavailable } from '../../adapters/database-errors.ts';
import type { RenderPage } from './screens.ts';

type Next = () => Promise<unknown>;

const DESCRIPTION = 'the service is temporarily unavailable, try again shortly';

/**
 * oidc-provider turns any unexpected error into a 500 server_error. When the cause is an
 * unreachable database, that is the wrong answer: this restates it as 503 with the protocol's
 * own code for it (`temporarily_unavailable`, RFC 6749 4.1.2.1 / 5.2 usage), as JSON, as a page,
 * or in the error redirect to the client.
 */
export function databaseUnavailable(provider: Provider, renderPage: RenderPage) {
  const causes = new WeakMap<object, unknown>();
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
    causes.set(ctx, err);
  });

  return async function databaseUnavailable(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    if (!isDatabaseUnavailable(causes.get(ctx))) return;
    ctx.set('Retry-After', '5');

    const location = ctx.response.get('location');
    if (ctx.status >= 300 && ctx.status < 400 && location) {
      const url = new URL(location, provider.issuer);
      for (const params of [url.searchParams, new URLSearchParams(url.hash.slice(1))]) {
        if (params.get('error') === 'server_error') params.set('error', 'temporarily_unavailable');
      }
      url.searchParams.set('error_description', DESCRIPTION);
      ctx.redirect(url.href);
      return;
    }
    if (ctx.response.is('html')) {
      renderPage(
        ctx,
        'error.njk',
        {
          title: 'Temporarily unavailable',
          message: 'The sign-in service cannot reach its database right now. Please try again in a moment.',
          error: 'temporarily_unavailable',
        },
        503,
      );
      return;
    }
    ctx.status = 503;
    ctx.body = { error: 'temporarily_unavailable', error_description: DESCRIPTION };
  };
}
