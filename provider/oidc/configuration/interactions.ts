import type { Connection } from 'mongoose';
import type { Configuration } from 'oidc-provider';

import type { Config } from '../../config.ts';
import { ACR_VALUES } from '../../mfa/acr.ts';
import { buildInteractionPolicy } from '../interaction-policy.ts';
import { loadExistingGrant } from '../load-existing-grant.ts';

type InteractionOptions = 'loadExistingGrant' | 'interactions' | 'acrValues';

/** Which prompts a sign-in goes through, on our screens, and what it can be asked to reach. */
export function interactions(
  connection: Connection,
  config: Pick<Config, 'mfa'>,
): Pick<Configuration, InteractionOptions> {
  return {
    // First-party clients get their grant filled in, so they never see the consent screen.
    loadExistingGrant: loadExistingGrant,

    interactions: {
      policy: buildInteractionPolicy(connection, config.mfa.policy),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // Published as acr_values_supported; sessions carry one of them (see mfa/acr.ts).
    acrValues: ACR_VALUES,
  };
}
