import type { IdpDirectory } from './idp-directory.ts';
import type { UpstreamClients } from './upstream-client.ts';

/** What the sign-in screens and the callback need to send users to upstreams and back. */
export interface UpstreamDeps {
  directory: IdpDirectory;
  clients: UpstreamClients;
  issuer: string;
}
