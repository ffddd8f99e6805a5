import type Koa from 'koa';

import { homePage } from '../pages/home-page.ts';
import type { AppInput } from './app-input.ts';

/** GET / */
export function mountHomePage(app: Koa, { views, config }: AppInput): void {
  app.use(homePage(views, config.mfa.issuerName));
}
