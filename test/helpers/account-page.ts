import { expect } from 'chai';

import type { Browser, Page } from './browser.ts';
import type { TestUser } from './fixtures.ts';

/** Opens /account, signing in with the password through the real screens. */
export async function openAccount(browser: Browser, user: TestUser): Promise<Page> {
  const login = await browser.open('/account');
  const after = await browser.submit(login, '/login', { email: user.email, password: user.password });
  expect(after.url.pathname).to.equal('/account');
  return after;
}
