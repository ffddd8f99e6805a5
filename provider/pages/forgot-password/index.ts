import Router from '@koa/router';

import { noStore } from '../../forms/no-store.ts';
import { parseForm } from '../../forms/parse-form.ts';
import { chooseNewPassword, showResetForm } from './choose-password.ts';
import type { ForgotPasswordDeps } from './forgot-password-deps.ts';
import { requestResetLink, showForgotPassword } from './request-link.ts';

/** The route table of "Forgot password?": ask for a link, then choose a new password with it. */
export function forgotPasswordRoutes(deps: ForgotPasswordDeps): Router {
  const router = new Router({ prefix: '/password' });
  router.get('/forgot', noStore, showForgotPassword(deps));
  router.post('/forgot', noStore, parseForm, requestResetLink(deps));
  router.get('/reset', noStore, showResetForm(deps));
  router.post('/reset', noStore, parseForm, chooseNewPassword(deps));
  return router;
}
