import type Koa from 'koa';

import { underPrefix } from '../http/under-prefix.ts';
import { accountRoutes } from '../self-service/index.ts';
import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** /account…: the signed-in user's own pages */
export function mountSelfService(app: Koa, _input: AppInput, { account }: SharedDeps): void {
  app.use(underPrefix('/account', accountRoutes(account)));
}
