import type { Connection } from 'mongoose';

import type { Config } from '../../config.ts';
import type { ProviderKeys } from '../../keys/key-store.ts';
import type { ResourceServerDirectory } from '../../resources/resource-server-directory.ts';
import type { AccessDirectory } from '../../roles/access-directory.ts';
import type { RenderPage } from '../screens.ts';

export interface ConfigurationInput {
  config: Config;
  connection: Connection;
  keys: ProviderKeys;
  /** renders our page templates (the library's error and logout pages) */
  renderPage: RenderPage;
  directory: ResourceServerDirectory;
  /** users' and services' groups and roles (their tokens' scopes at gated APIs, `roles` and `groups` claims) */
  access: AccessDirectory;
  /** how the provider fetches (client metadata documents); tests hand in a network of their own */
  outgoingFetch?: typeof fetch;
}
