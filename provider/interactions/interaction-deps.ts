import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import type { MfaPolicy, WebAuthnConfig, PasswordHashingConfig } from '../config.ts';
import type { UpstreamDeps } from '../upstream/upstream-deps.ts';
import type { NotifyDeps } from '../mail/notify-account.ts';
import type { LiveProvider } from '../forms/csrf.ts';
import type { MfaDeps } from '../mfa/mfa-deps.ts';
import type { ResourceServerDirectory } from '../resources/resource-server-directory.ts';
import type { Logger } from '../observability/logger.ts';
import type { AuditLog } from '../security/audit-log.ts';
import type { LoginThrottle } from '../security/login-throttle.ts';

/** What the interaction routes need from the rest of the provider. */
export interface InteractionDeps {
  /** the provider and its keys, both replaced when keys rotate (oidc/provider-holder.ts) */
  live: LiveProvider;
  connection: Connection;
  views: nunjucks.Environment;
  logger: Logger;
  mfa: MfaDeps;
  /** MFA_POLICY: under `required` every account needs a second factor (its first one needs the email proven) */
  mfaPolicy: MfaPolicy;
  /** CIMD_ALLOWED_HOSTS: metadata-document clients the operator vouches for (consent shows the others as unverified) */
  clientMetadataHosts: readonly string[];
  /** APIs by resource indicator: their display names and scope descriptions (consent) */
  resources: ResourceServerDirectory;
  audit: AuditLog;
  throttle: LoginThrottle;
  /** passkeys: the relying party ID and origin they are checked against */
  webauthn: WebAuthnConfig;
  /** PASSWORD_HASH_*: the cost of new hashes, and of the check when there is no account */
  passwordHashing: PasswordHashingConfig;
  /** whether "Forgot password?" is offered (mail is configured, or development) */
  forgotPassword: boolean;
  /** whether "Create an account" is offered (SIGNUP) */
  signUp: boolean;
  /** security notices by mail (password, second factor, passkeys) */
  notify: NotifyDeps;
  /** upstream identity providers: their buttons, home-realm discovery, the trip there and back */
  upstreams: UpstreamDeps;
}
