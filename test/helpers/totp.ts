import { generate } from 'otplib';

import { activateEnrollment, startEnrollment } from '../../provider/mfa/enrollment.ts';
import type { Page } from './browser.ts';
import type { TestUser } from './fixtures.ts';
import type { TestServer } from './test-server.ts';

/** The TOTP code an authenticator app would show `offset` 30-second steps from now. */
export function totpCode(secret: string, offset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
}

/** The secret printed on the enrollment screen, as a user would type it. */
export function secretOnPage(page: Page): string {
  const match = /id="totp-secret">([^<]+)</.exec(page.html);
  if (!match) throw new Error(`no TOTP secret on ${page.url.href}`);
  return match[1]!.replace(/\s/g, '');
}

export function recoveryCodesOnPage(page: Page): string[] {
  return [...page.html.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
}

export function continueLink(page: Page): string {
  const match = /<a class="button" href="([^"]+)"/.exec(page.html);
  if (!match) throw new Error('no continue link');
  return match[1]!.replace(/&amp;/g, '&');
}

/**
 * Waits, if needed, until at least `margin` seconds remain in the current 30-second step, so a
 * test that sends codes of precise steps (drift, replay) cannot straddle a step boundary.
 */
export async function awayFromStepBoundary(margin = 6): Promise<void> {
  const intoStep = (Date.now() / 1000) % 30;
  if (30 - intoStep < margin) await new Promise((resolve) => setTimeout(resolve, (30 - intoStep + 0.2) * 1000));
}

/**
 * Gives an account an active TOTP factor directly (as if enrolled long ago) and returns its
 * secret; the activation used the previous step's code, so the current one is still fresh.
 */
export async function enrollTotp(server: TestServer, user: TestUser, encryptionKey: string): Promise<string> {
  const deps = {
    connection: server.connection,
    encryptionKey: Buffer.from(encryptionKey, 'base64'),
    issuerName: 'meshid',
  };
  const { secret } = await startEnrollment(deps, user.id, user.email);
  const activation = await activateEnrollment(deps, user.id, await totpCode(secret, -1));
  if (!activation.activated) throw new Error('enrollment did not activate');
  return secret;
}

/** The second-factor services' dependencies for a test server run with MFA_ENCRYPTION_KEY=encryptionKey. */
export function mfaDepsFor(server: TestServer, encryptionKey: string) {
  return { connection: server.connection, encryptionKey: Buffer.from(encryptionKey, 'base64'), issuerName: 'meshid' };
}
