import type { Connection } from 'mongoose';
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

import type { MfaPolicy } from '../config.ts';
import { asksForMfa } from '../mfa/acr.ts';
import { mfaStatus } from '../mfa/mfa-status.ts';
import { metadataOf, requiresMfa } from './client-metadata.ts';

const { Check, Prompt, base } = interactionPolicy;

/** What the `mfa` prompt needs from this authorization request. */
export type MfaRequirement = 'none' | 'enroll' | 'verify';

export const MFA_PROMPT = 'mfa';
export const MFA_ENROLL_REASON = 'mfa_enrollment_required';
export const MFA_VERIFY_REASON = 'mfa_required';

/**
 * Whether this request needs a second factor: the account has one (it is then always asked),
 * or the global policy, the client's `require_mfa` or `acr_values` demand one. A session
 * that already did a second factor needs nothing (max_age and prompt=login reset it through
 * a fresh login, which records amr=pwd again).
 */
async function mfaRequirement(
  connection: Connection,
  policy: MfaPolicy,
  ctx: KoaContextWithOIDC,
): Promise<MfaRequirement> {
  const { session, client, params } = ctx.oidc;
  const accountId = session?.accountId;
  if (!accountId || session.amr?.includes('otp')) return 'none';
  const status = await mfaStatus(connection, accountId);
  const demanded =
    status.enrolled ||
    policy === 'required' ||
    (client !== undefined && requiresMfa(metadataOf(client))) ||
    asksForMfa(params?.acr_values);
  if (!demanded) return 'none';
  return status.enrolled ? 'verify' : 'enroll';
}

/**
 * oidc-provider's login and consent prompts with ours between them:
 * login (password) → mfa (enroll or verify a second factor) → consent.
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
  );

  const policyPrompts = base();
  policyPrompts.add(mfa, 1);
  return policyPrompts;
}
