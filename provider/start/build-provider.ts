import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import { ensureAdminApi } from '../admin/admin-api-resource.ts';
import { ensureConsoleClient } from '../admin/console/console-client.ts';
import type { DynamicClientLifetime } from '../clients/dynamic-client-lifetime.ts';
import type { Config } from '../config.ts';
import type { ProviderKeys } from '../keys/key-store.ts';
import type { Logger } from '../observability/logger.ts';
import { createProvider } from '../oidc/create-provider.ts';
import { ProviderHolder } from '../oidc/provider-holder.ts';
import type { RenderPage } from '../oidc/screens.ts';
import { ResourceServerDirectory } from '../resources/resource-server-directory.ts';
import { AccessDirectory } from '../roles/access-directory.ts';
import { ensureAccountClient } from '../self-service/account-client.ts';
import { createViews } from '../templates/environment.ts';
import { renderScreen } from '../views/render-screen.ts';
import type { Observers } from './observability.ts';

interface BuildProviderInput {
  config: Config;
  connection: Connection;
  logger: Logger;
  keys: ProviderKeys;
  observers: Observers;
  dynamicClients: DynamicClientLifetime | undefined;
  /** how the provider fetches client metadata documents (tests: a network of their own) */
  outgoingFetch: typeof fetch | undefined;
}

interface BuiltProvider {
  holder: ProviderHolder;
  directory: ResourceServerDirectory;
  access: AccessDirectory;
  views: nunjucks.Environment;
}

/** The oidc-provider instance (rebuilt by its holder when keys rotate) and the built-in clients and API it needs. */
export async function buildProvider({
  config,
  connection,
  logger,
  keys,
  observers: { audit, metrics, outage },
  dynamicClients,
  outgoingFetch,
}: BuildProviderInput): Promise<BuiltProvider> {
  const views = createViews();
  const renderPage: RenderPage = (ctx, template, data, status) => renderScreen(views, ctx, template, data, status);
  // One directory of APIs (and its cache) for the protocol and the consent screen alike.
  const directory = new ResourceServerDirectory(connection, config.clientCacheTtl);
  // Groups and roles, cached like clients: a change reaches new tokens within CLIENT_CACHE_TTL.
  const access = new AccessDirectory(connection, config.clientCacheTtl);
  const holder = new ProviderHolder(
    (current) =>
      createProvider({
        config,
        connection,
        keys: current,
        renderPage,
        logger,
        audit,
        metrics,
        outage,
        directory,
        access,
        outgoingFetch,
        dynamicClients,
      }),
    keys,
  );
  await ensureAccountClient(holder.provider, connection, config.issuer);
  await ensureAdminApi(connection, config.issuer);
  await ensureConsoleClient(holder.provider, connection, config.issuer);
  return { holder, directory, access, views };
}
