import { Browser, type Page } from './browser.ts';
import type { TestClient } from './fixtures.ts';
import { authorizationRequest, relyingParty } from './relying-party.ts';
import type { TestServer } from './test-server.ts';

export type Attempt = (email: string, password: string, headers?: Record<string, string>) => Promise<Page>;

/** A fresh browser at the password screen; the returned function posts one attempt there. */
export async function loginScreen(server: TestServer, client: TestClient): Promise<Attempt> {
  const browser = new Browser(server.issuer);
  const page = await browser.open((await authorizationRequest(await relyingParty(server.issuer, client))).url);
  const form = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
  return async (email, password, headers = {}) => {
    const response = await browser.fetch(new URL(`${page.url.pathname}/login`, server.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ csrf: form, email, password }).toString(),
    });
    return { url: page.url, status: response.status, html: await response.text(), headers: response.headers };
  };
}

/** One password attempt from a fresh browser, with extra headers (X-Forwarded-For, say). */
export async function loginAttempt(
  server: TestServer,
  client: TestClient,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Page> {
  return (await loginScreen(server, client))(email, password, headers);
}

/** The error line of a screen. */
export const errorText = (page: Page) => /<p class="error"[^>]*>([^<]*)</.exec(page.html)?.[1];
