import type { InteractionDeps } from '../interactions/interaction-deps.ts';
import type { NotifyDeps } from '../mail/notify-account.ts';
import type { AccountDeps } from '../self-service/account-deps.ts';
import { IdpDirectory } from '../upstream/idp-directory.ts';
import { UpstreamClients } from '../upstream/upstream-client.ts';
import type { UpstreamDeps } from '../upstream/upstream-deps.ts';
import type { AppInput } from './app-input.ts';

/** The deps more than one mount uses, made once so they share one upstream directory (and its cache). */
export interface SharedDeps {
  notify: NotifyDeps;
  upstreams: UpstreamDeps;
  /** the sign-in screens' deps */
  screens: InteractionDeps;
  /** the /account pages' deps: the screens' and a few of their own */
  account: AccountDeps;
}

/**
 * One explicit object. The holder is the live part: after a key rotation the routes read the
 * rebuilt provider and the new cookie keys from it.
 */
export function buildSharedDeps({
  config,
  holder,
  directory,
  connection,
  views,
  logger,
  mfa,
  audit,
  throttle,
  mailer,
}: AppInput): SharedDeps {
  const notify: NotifyDeps = {
    connection,
    mailer,
    logger,
    issuer: config.issuer,
    product: config.mfa.issuerName,
  };
  const idps = new IdpDirectory(connection, config.keys.encryptionKey);
  const upstreams: UpstreamDeps = {
    directory: idps,
    clients: new UpstreamClients({
      timeoutMs: config.upstreamTimeoutMs,
      clientSecret: (idp) => idps.clientSecret(idp),
    }),
    issuer: config.issuer,
  };
  const screens: InteractionDeps = {
    live: holder,
    resources: directory,
    clientMetadataHosts: config.clientMetadataHosts,
    connection,
    views,
    logger,
    mfa,
    mfaPolicy: config.mfa.policy,
    audit,
    throttle,
    webauthn: config.webauthn,
    passwordHashing: config.passwordHashing,
    forgotPassword: mailer.enabled,
    signUp: config.signup.mode !== 'off',
    notify,
    upstreams,
  };
  const account: AccountDeps = {
    ...screens,
    issuer: config.issuer,
    passwordMinLength: config.passwordMinLength,
    reauthSeconds: config.accountReauthSeconds,
  };
  return { notify, upstreams, screens, account };
}
