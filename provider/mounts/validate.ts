import type Koa from 'koa';

import { clientChanges } from '../../adapters/client-changes.ts';
import { liveTokens } from '../tokens/live-tokens.ts';
import { dpopChecker } from '../validate/dpop-check.ts';
import { validateRoute } from '../validate/validate-route.ts';
import type { AppInput } from './app-input.ts';

/** /validate for gateways */
export function mountValidate(app: Koa, { config, holder, connection }: AppInput): void {
  app.use(
    validateRoute(
      config.issuer,
      config.validateDefaultAudiences,
      liveTokens({
        live: holder,
        cacheSeconds: config.validateCacheSeconds,
        clientChanges: clientChanges(connection),
      }),
      dpopChecker(holder),
    ),
  );
}
