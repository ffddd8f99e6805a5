import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { isFirstParty, metadataOf } from '../oidc/client-metadata.ts';
import { grantConsent, renderConsent } from './consent.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { renderLogin } from './login.ts';
import { sendToUpstream } from './upstream-start.ts';
import { renderMfa } from './mfa.ts';
import { renderEnroll } from './mfa-enroll.ts';
import { MFA_ENROLL_REASON, MFA_PROMPT, VERIFY_EMAIL_PROMPT } from '../oidc/interaction-policy.ts';
import { renderVerifyEmailStep } from './verify-email-step.ts';

/** GET /interaction/:uid — shows the screen for the step oidc-provider is waiting on. */
export function showInteraction(deps: InteractionDeps) {
  return async function showInteraction(ctx: Context): Promise<void> {
    const interaction = ctx.state.interaction!;
    switch (interaction.prompt.name) {
      case 'login': {
        // Home-realm discovery from the client's login_hint: straight to the upstream of that domain.
        const hint = interaction.params.login_hint;
        const routed = typeof hint === 'string' ? await deps.upstreams.directory.forEmail(hint) : undefined;
        if (routed) return sendToUpstream(deps, ctx, routed, hint as string);
        return renderLogin(deps, ctx, {});
      }
      case 'consent': {
        const client = await deps.live.provider.Client.find(String(interaction.params.client_id));
        // The operator's own apps do not ask their users for consent. Their grant is normally filled
        // in before this prompt (oidc/load-existing-grant.ts); it is reached when the app itself
        // sends prompt=consent.
        if (client && isFirstParty(metadataOf(client))) {
          ctx.status = 303;
          return ctx.redirect(await grantConsent(deps, ctx, interaction));
        }
        return renderConsent(deps, ctx);
      }
      case VERIFY_EMAIL_PROMPT:
        return renderVerifyEmailStep(deps, ctx);
      case MFA_PROMPT:
        if (interaction.prompt.reasons.includes(MFA_ENROLL_REASON)) return renderEnroll(deps, ctx);
        return renderMfa(deps, ctx);
      default:
        throw new InvalidRequest('This sign-in step is not supported.');
    }
  };
}
