import Router from '@koa/router';

import { abort } from './abort.ts';
import { confirmConsent } from './consent.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { loadInteraction } from './load-interaction.ts';
import { login } from './login.ts';
import { verifyMfa } from './mfa.ts';
import { passkeyOptions, verifyPasskeyStep } from './passkey.ts';
import { parsePasskeyForm } from '../forms/credential-field.ts';
import { enrollMfa } from './mfa-enroll.ts';
import { confirmEnrollmentEmail, resendEnrollmentCode } from './mfa-email-proof.ts';
import { noStore } from '../forms/no-store.ts';
import { parseForm } from '../forms/parse-form.ts';
import { showInteraction } from './show.ts';
import { continueAfterVerification, sendVerificationLink } from './verify-email-step.ts';
import { validCsrfKeys } from '../forms/csrf.ts';
import { finishUpstream } from './upstream-finish.ts';
import { linkPasskeyOptions, linkWithPasskey, linkWithPassword } from './upstream-link.ts';
import { startUpstream } from './upstream-start.ts';
import { verifyCsrf } from '../forms/verify-csrf.ts';

/** The route table of the sign-in screens: the only place that says which steps run in what order. */
export function interactionRoutes(deps: InteractionDeps): Router {
  const router = new Router({ prefix: '/interaction' });
  const load = loadInteraction(deps.live);
  const csrf = verifyCsrf(() => validCsrfKeys(deps.live));

  router.get('/:uid', noStore, load, showInteraction(deps));
  router.post('/:uid/login', noStore, parseForm, csrf, load, login(deps));
  router.post('/:uid/mfa', noStore, parseForm, csrf, load, verifyMfa(deps));
  router.post('/:uid/passkey/options', noStore, parseForm, csrf, load, passkeyOptions(deps));
  router.post('/:uid/passkey', noStore, parsePasskeyForm, csrf, load, verifyPasskeyStep(deps));
  router.post('/:uid/mfa/email', noStore, parseForm, csrf, load, confirmEnrollmentEmail(deps));
  router.post('/:uid/mfa/email/send', noStore, parseForm, csrf, load, resendEnrollmentCode(deps));
  router.post('/:uid/mfa/enroll', noStore, parseForm, csrf, load, enrollMfa(deps));
  router.post('/:uid/email/send', noStore, parseForm, csrf, load, sendVerificationLink(deps));
  router.post('/:uid/email/continue', noStore, parseForm, csrf, load, continueAfterVerification(deps));
  router.post('/:uid/upstream/start', noStore, parseForm, csrf, load, startUpstream(deps));
  router.get('/:uid/upstream', noStore, load, finishUpstream(deps));
  router.post('/:uid/upstream/link', noStore, parseForm, csrf, load, linkWithPassword(deps));
  router.post('/:uid/upstream/link/passkey/options', noStore, parseForm, csrf, load, linkPasskeyOptions(deps));
  router.post('/:uid/upstream/link/passkey', noStore, parsePasskeyForm, csrf, load, linkWithPasskey(deps));
  router.post('/:uid/confirm', noStore, parseForm, csrf, load, confirmConsent(deps));
  router.post('/:uid/abort', noStore, parseForm, csrf, load, abort(deps));
  return router;
}
