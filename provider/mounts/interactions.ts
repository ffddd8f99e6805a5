import type Koa from 'koa';

import { underPrefix } from '../http/under-prefix.ts';
import { interactionRoutes } from '../interactions/index.ts';
import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** /interaction/:uid…: the sign-in screens */
export function mountInteractions(app: Koa, _input: AppInput, { screens }: SharedDeps): void {
  app.use(underPrefix('/interaction', interactionRoutes(screens)));
}
