import { existsSync, mkdirSync } from 'node:fs';

import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
// Flags for a closed network: without the background ones Chromium keeps dialling out.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium driven by playwright-core. Without it a developer's run skips these tests;
 * under CI (which installs it, .ci/run) a missing browser is a failure.
 */
export async function launchChromium(context: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    context.skip();
  }
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Collects console errors and uncaught page errors (a CSP violation shows up here too). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Basic accessibility: a language, and a label (or aria-label) for every visible form field. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (!document.documentElement.lang) problems.push('html has no lang attribute');
    for (const input of Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))) {
      const field = input as HTMLInputElement;
      if ((field.labels?.length ?? 0) === 0 && !field.getAttribute('aria-label'))
        problems.push(`field ${field.name} has no label`);
    }
    for (const button of Array.from(document.querySelectorAll('button'))) {
      if (!button.textContent?.trim() && !button.getAttribute('aria-label'))
        problems.push('a button has no accessible name');
    }
    if (!document.title) problems.push('page has no title');
    return problems;
  });
}
