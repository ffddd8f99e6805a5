import type Koa from 'koa';

import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** Adds one route family's middleware to the app; createApp's list says in which order. */
export type Mount = (app: Koa, input: AppInput, shared: SharedDeps) => void;
