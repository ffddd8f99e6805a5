import Router from '@koa/router';

import { noStore } from '../../forms/no-store.ts';
import { parseForm } from '../../forms/parse-form.ts';
import type { SignUpScreenDeps } from './sign-up-deps.ts';
import { showSignUp, submitSignUp } from './sign-up-screen.ts';

/** The route table of self-registration (SIGNUP=open or domains). */
export function signUpRoutes(deps: SignUpScreenDeps): Router {
  const router = new Router();
  router.get('/signup', noStore, showSignUp(deps));
  router.post('/signup', noStore, parseForm, submitSignUp(deps));
  return router;
}
