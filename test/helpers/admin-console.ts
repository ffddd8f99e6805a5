import { grantAdmin } from '../../provider/admin/admin-api-resource.ts';
import { Browser, type Page } from './browser.ts';
import { addUser, type TestUser } from './fixtures.ts';
import type { TestServer } from './test-server.ts';
import { enrollTotp, totpCode } from './totp.ts';

export interface ConsoleSession {
  browser: Browser;
  user: TestUser;
  /** The page the second factor led to; callers assert on it. */
  page: Page;
}

/** A new user with this console role, signed in to /admin with password and TOTP (the console requires both). */
export async function signInToAdminConsole(
  server: TestServer,
  mfaKey: string,
  role: 'admin' | 'viewer' = 'admin',
): Promise<ConsoleSession> {
  const user = await addUser(server);
  const secret = await enrollTotp(server, user, mfaKey);
  await grantAdmin(server.connection, server.issuer, user.id, role);
  const browser = new Browser(server.issuer);
  const login = await browser.open('/admin');
  const codePage = await browser.submit(login, '/login', { email: user.email, password: user.password });
  const page = await browser.submit(codePage, '/mfa', { code: await totpCode(secret, 1) });
  return { browser, user, page };
}
