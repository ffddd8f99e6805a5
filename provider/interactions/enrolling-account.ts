import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { MFA_ENROLL_REASON } from '../oidc/interaction-policy.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { mfaAccount } from './mfa.ts';

/**
 * The account of an interaction whose mfa prompt is there to enroll a first factor. At the
 * verify prompt (the account has a factor) enrollment is refused: it would let the password
 * alone replace the factor and finish the sign-in.
 */
export function enrollingAccount(ctx: Context): string {
  const accountId = mfaAccount(ctx);
  if (!ctx.state.interaction!.prompt.reasons.includes(MFA_ENROLL_REASON))
    throw new InvalidRequest('Enter the code from your app to continue.');
  return accountId;
}

/** Why the enrollment screens are shown: the application asks for it. */
export async function enrollmentReason(deps: InteractionDeps, ctx: Context): Promise<string> {
  const client = await deps.live.provider.Client.find(String(ctx.state.interaction!.params.client_id));
  return `Your organisation requires two-step verification to sign in to ${client?.clientName ?? client?.clientId ?? 'this application'}. Set it up now, or cancel to go back.`;
}
