import type { Context } from 'koa';

import { InvalidRequest } from '../errors.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { Interaction } from '../../types/oidc-interaction.ts';
import { csrfToken, currentCsrfKey } from '../forms/csrf.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { isMetadataDocumentClientId, metadataHostVerified } from '../clients/metadata-document-policy.ts';
import { scopeDescription } from '../resources/resource-server-directory.ts';
import { describeScope } from './scope-descriptions.ts';
import { seeOther } from '../forms/see-other.ts';
import { metadataOf } from '../oidc/client-metadata.ts';

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export async function renderConsent(deps: InteractionDeps, ctx: Context): Promise<void> {
  const interaction = ctx.state.interaction!;
  const client = await deps.live.provider.Client.find(String(interaction.params.client_id));
  const details = interaction.prompt.details as ConsentDetails;
  const clientId = String(interaction.params.client_id);
  renderScreen(deps.views, ctx, 'consent.njk', {
    document:
      client && isMetadataDocumentClientId(clientId)
        ? documentClientNotice(clientId, interaction.params.redirect_uri, deps.clientMetadataHosts)
        : undefined,
    selfRegistered:
      client && metadataOf(client).dynamic_client === true
        ? redirectNotice(interaction.params.redirect_uri)
        : undefined,
    title: 'Allow access',
    uid: interaction.uid,
    csrf: csrfToken(currentCsrfKey(deps.live), interaction.uid),
    clientName: client?.clientName ?? client?.clientId,
    scopes: (details.missingOIDCScope ?? []).filter((s) => s !== 'openid').map(describeScope),
    // Each API by its display name and each scope by its description; the raw values only as
    // a fallback, in small type.
    resources: await Promise.all(
      Object.entries(details.missingResourceScopes ?? {}).map(async ([indicator, scopes]) => {
        const server = await deps.resources.find(indicator);
        return {
          indicator,
          name: server?.name,
          scopes: scopes.map((scope) => ({ scope, description: scopeDescription(server, scope) })),
        };
      }),
    ),
  });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A client that describes itself by a metadata document is unknown to the operator: the consent
 * screen says where it comes from and, prominently, where the browser will be sent, and whether
 * the operator vouches for its host.
 */
function documentClientNotice(clientId: string, redirectUri: unknown, verifiedHosts: readonly string[]) {
  return {
    clientHost: new URL(clientId).host,
    unverified: !metadataHostVerified(clientId, verifiedHosts),
    ...redirectNotice(redirectUri),
  };
}

/** Where the browser goes after consent, for a client the operator never vetted (self-registered too). */
function redirectNotice(redirectUri: unknown) {
  const redirect = typeof redirectUri === 'string' ? URL.parse(redirectUri) : null;
  return { redirectHost: redirect?.host ?? '', localOnly: redirect ? LOOPBACK.has(redirect.hostname) : false };
}

/**
 * Records in the Grant everything the consent prompt asked for and returns where to go next.
 * An existing grant (from earlier consent) is extended rather than replaced.
 */
export async function grantConsent(deps: InteractionDeps, ctx: Context, interaction: Interaction): Promise<string> {
  const { provider } = deps.live;
  const accountId = interaction.session?.accountId;
  if (!accountId) throw new InvalidRequest('Sign in first.');

  const grant =
    (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });

  const details = interaction.prompt.details as ConsentDetails;
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();

  await deps.audit.record({
    event: 'consent.granted',
    outcome: 'success',
    account: accountId,
    client: String(interaction.params.client_id),
    ip: ctx.ip,
    requestId: ctx.state.requestId,
    details: { scopes: details.missingOIDCScope ?? [], resources: Object.keys(details.missingResourceScopes ?? {}) },
  });
  return provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** POST /interaction/:uid/confirm — the user allowed access. */
export function confirmConsent(deps: InteractionDeps) {
  return async function confirmConsent(ctx: Context): Promise<void> {
    const interaction = ctx.state.interaction!;
    if (interaction.prompt.name !== 'consent') throw new InvalidRequest('This step is already done.');
    seeOther(ctx, await grantConsent(deps, ctx, interaction));
  };
}
