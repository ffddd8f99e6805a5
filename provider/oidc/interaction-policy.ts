import type { Connection } from 'mongoose';
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

import type { MfaPolicy } from '../config.ts';
import { asksForMfa, asksForPhishingResistant } from '../mfa/acr.ts';
import { hasAnyFactor, mfaStatus } from '../mfa/mfa-status.ts';
import { hasSecondFactor, usedPasskey } from '../passkeys/passkey-methods.ts';
import { isEmailVerified } from '../accounts/email-verification.ts';
import { metadataOf, requiresMfa, requiresPasskey, requiresVerifiedEmail } from './client-metadata.ts';

const { Check, Prompt, base } = interactionPolicy;

/** What the `mfa` prompt needs from this authorization request. */
type MfaRequirement = 'none' | 'enroll' | 'verify' | 'passkey';

export const MFA_PROMPT = 'mfa';
export const MFA_ENROLL_REASON = 'mfa_enrollment_required';
const MFA_VERIFY_REASON = 'mfa_required';
export const PASSKEY_REASON = 'passkey_required';
export const VERIFY_EMAIL_PROMPT = 'verify_email';
const VERIFY_EMAIL_REASON = 'email_verification_required';

/**
 * Whether this request needs more than the session has. A phishing-resistant sign-in (asked by
 * `acr_values` or the client's `require_passkey`) is met only by a passkey. Otherwise a second
 * factor is needed when the account has one (it is then always asked), or the global policy,
 * the client's `require_mfa` or `acr_values` demand one; a session that already used a code or
 * a passkey needs nothing (max_age and prompt=login reset it through a fresh login).
 */
async function mfaRequirement(
  connection: Connection,
  policy: MfaPolicy,
  ctx: KoaContextWithOIDC,
): Promise<MfaRequirement> {
  const { session, client, params } = ctx.oidc;
  const accountId = session?.accountId;
  if (!accountId) return 'none';
  const metadata = client === undefined ? undefined : metadataOf(client);
  if (asksForPhishingResistant(params?.acr_values) || (metadata !== undefined && requiresPasskey(metadata))) {
    return usedPasskey(session.amr) ? 'none' : 'passkey';
  }
  if (hasSecondFactor(session.amr)) return 'none';
  const status = await mfaStatus(connection, accountId);
  const demanded =
    hasAnyFactor(status) ||
    policy === 'required' ||
    (metadata !== undefined && requiresMfa(metadata)) ||
    asksForMfa(params?.acr_values);
  if (!demanded) return 'none';
  return hasAnyFactor(status) ? 'verify' : 'enroll';
}

/**
 * oidc-provider's login and consent prompts with ours between them:
 * login (password or passkey) → verify_email (when the client requires it) → mfa (enroll or
 * verify a second factor, or a passkey) → consent.
 */
export function buildInteractionPolicy(connection: Connection, policy: MfaPolicy) {
  // Both checks need the same answer: compute it once per request.
  const answers = new WeakMap<object, Promise<MfaRequirement>>();
  const requirement = (ctx: KoaContextWithOIDC) => {
    let answer = answers.get(ctx);
    if (!answer) {
      answer = mfaRequirement(connection, policy, ctx);
      answers.set(ctx, answer);
    }
    return answer;
  };

  const mfa = new Prompt(
    { name: MFA_PROMPT, requestable: false },
    new Check(
      MFA_ENROLL_REASON,
      'a second factor must be enrolled',
      async (ctx: KoaContextWithOIDC) => (await requirement(ctx)) === 'enroll',
    ),
    new Check(
      MFA_VERIFY_REASON,
      'a second factor is required',
      async (ctx: KoaContextWithOIDC) => (await requirement(ctx)) === 'verify',
    ),
    new Check(
      PASSKEY_REASON,
      'a phishing-resistant sign-in (a passkey) is required',
      async (ctx: KoaContextWithOIDC) => (await requirement(ctx)) === 'passkey',
    ),
  );

  // A client with require_verified_email lets in only accounts whose address is confirmed; the
  // account is read for this only for such a client.
  const verifyEmail = new Prompt(
    { name: VERIFY_EMAIL_PROMPT, requestable: false },
    new Check(VERIFY_EMAIL_REASON, 'the client requires a verified email', async (ctx: KoaContextWithOIDC) => {
      const { session, client } = ctx.oidc;
      if (!session?.accountId || !client || !requiresVerifiedEmail(metadataOf(client))) return false;
      return !(await isEmailVerified(connection, session.accountId));
    }),
  );

  const policyPrompts = base();
  policyPrompts.add(verifyEmail, 1);
  policyPrompts.add(mfa, 2);
  return policyPrompts;
}
