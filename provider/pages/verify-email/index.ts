import Router from '@koa/router';

import { noStore } from '../../forms/no-store.ts';
import { parseForm } from '../../forms/parse-form.ts';
import { confirmEmailAddress, showConfirmEmail } from './confirm-email.ts';
import type { VerifyEmailDeps } from './verify-email-deps.ts';

/** The route table of email verification: the mailed link, then a button that confirms. */
export function verifyEmailRoutes(deps: VerifyEmailDeps): Router {
  const router = new Router({ prefix: '/email' });
  router.get('/verify', noStore, showConfirmEmail(deps));
  // No CSRF token: the form carries the mailed token, which a forger does not have.
  router.post('/verify', noStore, parseForm, confirmEmailAddress(deps));
  return router;
}
