import { generate } from 'otplib';

import type { Page } from './browser.ts';

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
