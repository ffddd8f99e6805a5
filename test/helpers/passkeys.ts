import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { expect } from 'chai';

import type { Browser, Page } from './browser.ts';
import { parseForms } from './browser.ts';
import type { SoftAuthenticator } from './soft-authenticator.ts';

/** What passkeys.js does first: POSTs the form's CSRF token to its options URL, gets JSON back. */
export async function passkeyOptions<T>(
  browser: Browser,
  page: Page,
  formAction: string,
  optionsPath: string,
): Promise<T> {
  const form = parseForms(page.html).find((f) => f.action.endsWith(formAction));
  if (!form) throw new Error(`no form ending in ${formAction} on ${page.url.href}`);
  const response = await browser.fetch(new URL(optionsPath, page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ csrf: form.fields.csrf ?? '' }).toString(),
  });
  expect(response.status, `options from ${optionsPath}`).to.equal(200);
  return (await response.json()) as T;
}

/** Then it puts the browser's answer in the form's `credential` field and posts the form. */
export function postCredential(
  browser: Browser,
  page: Page,
  formAction: string,
  credential: unknown,
  fields: Record<string, string> = {},
): Promise<Page> {
  return browser.submit(page, formAction, { credential: JSON.stringify(credential), ...fields });
}

/** The options the account page's "Add a passkey" form gets. */
export function registrationOptions(browser: Browser, account: Page): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return passkeyOptions(browser, account, '/account/passkeys', '/account/passkeys/options');
}

/** Registers a passkey of `authenticator` on the account page that `account` shows. */
export async function addPasskey(
  browser: Browser,
  account: Page,
  authenticator: SoftAuthenticator,
  name = 'Test key',
  options?: PublicKeyCredentialCreationOptionsJSON,
): Promise<Page> {
  const answer = authenticator.register(options ?? (await registrationOptions(browser, account)));
  return postCredential(browser, account, '/account/passkeys', answer, { name });
}
