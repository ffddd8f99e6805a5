import Router from '@koa/router';

import { noStore } from '../interactions/no-store.ts';
import { parseForm } from '../interactions/parse-form.ts';
import { verifyCsrf } from '../interactions/verify-csrf.ts';
import type { AccountDeps } from './account-deps.ts';
import { revokeApplication, signOutEverywhere } from './applications.ts';
import { changePassword } from './change-password.ts';
import { activateMfa, newRecoveryCodes, removeMfa, startMfaEnrollment } from './mfa-settings.ts';
import { accountCsrfSubject, requireSession } from './require-session.ts';
import { showAccount } from './show-account.ts';
import { finishAccountSignIn, startAccountSignIn } from './sign-in-redirect.ts';

/** The route table of the account pages (/account): the signed-in user's own settings. */
export function accountRoutes(deps: AccountDeps): Router {
  const router = new Router({ prefix: '/account' });
  const session = requireSession(() => deps.provider);
  const csrf = verifyCsrf(deps.csrfSecrets, accountCsrfSubject);

  router.get('/', noStore, session, showAccount(deps));
  router.get('/login', noStore, startAccountSignIn(deps.issuer));
  router.get('/callback', noStore, finishAccountSignIn);
  router.post('/mfa/start', noStore, session, parseForm, csrf, startMfaEnrollment(deps));
  router.post('/mfa/activate', noStore, session, parseForm, csrf, activateMfa(deps));
  router.post('/mfa/remove', noStore, session, parseForm, csrf, removeMfa(deps));
  router.post('/mfa/recovery-codes', noStore, session, parseForm, csrf, newRecoveryCodes(deps));
  router.post('/password', noStore, session, parseForm, csrf, changePassword(deps));
  router.post('/applications/revoke', noStore, session, parseForm, csrf, revokeApplication(deps));
  router.post('/sign-out-everywhere', noStore, session, parseForm, csrf, signOutEverywhere(deps));
  return router;
}
