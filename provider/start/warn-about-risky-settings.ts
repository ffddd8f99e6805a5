import { isIP } from 'node:net';

import type { Config } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import { riskyDefaults } from '../risky-defaults.ts';

/** One warning line per setting that is fine for development and wrong for anything else. */
export function warnAboutRiskySettings(config: Config, logger: Logger): void {
  for (const warning of riskyDefaults(config)) logger.warn({ risky: true }, `RISKY SETTING: ${warning}`);
  if (isIP(config.webauthn.rpId) !== 0) {
    logger.warn(
      `passkeys are unavailable: browsers refuse an IP address (${config.webauthn.rpId}) as their relying party; give ISSUER a host name`,
    );
  }
  if (config.mail.mode === 'off') {
    logger.warn(
      'SMTP_URL is not set: "Forgot password?" and security notices by mail are off (set SMTP_URL and MAIL_FROM to turn them on)',
    );
  }
  if (config.mongodbUri === undefined) return;
  if (config.mfa.ephemeralKey) {
    logger.warn(
      'MFA_ENCRYPTION_KEY is not set: TOTP secrets enrolled now cannot be read after a restart or by another instance',
    );
  }
  if (config.keys.ephemeralKey) {
    logger.warn(
      'KEY_ENCRYPTION_KEY is not set: the keys created now cannot be opened after a restart or by another instance',
    );
  }
}
