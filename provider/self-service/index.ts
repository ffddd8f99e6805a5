import Router from '@koa/router';

import { noStore } from '../forms/no-store.ts';
import { parseForm } from '../forms/parse-form.ts';
import { validCsrfKeys } from '../forms/csrf.ts';
import { verifyCsrf } from '../forms/verify-csrf.ts';
import { accountCsrfSubject } from './account-csrf.ts';
import type { AccountDeps } from './account-deps.ts';
import { revokeApplication, signOutEverywhere } from './applications.ts';
import { changePassword } from './change-password.ts';
import { removeLinkedSignIn } from './linked-sign-ins.ts';
import { changeEmail, sendConfirmationLink } from './email-settings.ts';
import { parsePasskeyForm } from '../forms/credential-field.ts';
import { addPasskey, deletePasskey, passkeyConfirmOptions, passkeyRegistrationOptions } from './passkey-settings.ts';
import {
  activateMfa,
  confirmAccountEmail,
  newRecoveryCodes,
  removeMfa,
  resendAccountCode,
  startMfaEnrollment,
} from './mfa-settings.ts';
import { requireRecentSignIn } from './require-recent-sign-in.ts';
import { requireSession } from './require-session.ts';
import { showAccount } from './show-account.ts';
import { finishAccountSignIn, startAccountSignIn } from './sign-in-redirect.ts';

/** The route table of the account pages (/account): the signed-in user's own settings. */
export function accountRoutes(deps: AccountDeps): Router {
  const router = new Router({ prefix: '/account' });
  const session = requireSession(deps.live, deps);
  const csrf = verifyCsrf(() => validCsrfKeys(deps.live), accountCsrfSubject);
  // Password and second-factor changes: a recent sign-in too ("sudo mode").
  const recent = requireRecentSignIn(deps);

  router.get('/', noStore, session, showAccount(deps));
  router.get('/login', noStore, startAccountSignIn(deps.issuer));
  router.get('/reauthenticate', noStore, startAccountSignIn(deps.issuer, { prompt: 'login' }));
  router.get('/callback', noStore, finishAccountSignIn);
  router.post('/mfa/start', noStore, session, parseForm, csrf, recent, startMfaEnrollment(deps));
  router.post('/mfa/email', noStore, session, parseForm, csrf, recent, confirmAccountEmail(deps));
  router.post('/mfa/email/send', noStore, session, parseForm, csrf, recent, resendAccountCode(deps));
  router.post('/mfa/activate', noStore, session, parseForm, csrf, recent, activateMfa(deps));
  router.post('/mfa/remove', noStore, session, parseForm, csrf, recent, removeMfa(deps));
  router.post('/mfa/recovery-codes', noStore, session, parseForm, csrf, recent, newRecoveryCodes(deps));
  router.post('/passkeys/options', noStore, session, parseForm, csrf, recent, passkeyRegistrationOptions(deps));
  router.post('/passkeys', noStore, session, parsePasskeyForm, csrf, recent, addPasskey(deps));
  router.post('/passkeys/confirm-options', noStore, session, parseForm, csrf, passkeyConfirmOptions(deps));
  router.post('/passkeys/remove', noStore, session, parsePasskeyForm, csrf, recent, deletePasskey(deps));
  router.post('/email', noStore, session, parseForm, csrf, recent, changeEmail(deps));
  router.post('/email/confirm', noStore, session, parseForm, csrf, sendConfirmationLink(deps));
  router.post('/password', noStore, session, parseForm, csrf, recent, changePassword(deps));
  router.post('/links/remove', noStore, session, parseForm, csrf, recent, removeLinkedSignIn(deps));
  router.post('/applications/revoke', noStore, session, parseForm, csrf, revokeApplication(deps));
  router.post('/sign-out-everywhere', noStore, session, parseForm, csrf, signOutEverywhere(deps));
  return router;
}
