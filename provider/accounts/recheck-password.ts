import type { Connection } from 'mongoose';

import type { LoginThrottle } from '../security/login-throttle.ts';
import { throttleKeys } from '../security/login-throttle.ts';
import { verifyAccountPassword } from './verify-account-password.ts';

type RecheckResult = { ok: true } | { ok: false; retryAfter: number };

/**
 * Re-checks a signed-in account's password (before a sensitive change) under the same throttle
 * as the sign-in screen, with the same counters: a stolen session cannot guess the password
 * here faster than at the door. `retryAfter` 0 is a plain wrong password.
 */
export async function recheckPassword(
  connection: Connection,
  throttle: LoginThrottle,
  account: { id: string; email: string },
  ip: string,
  password: string,
): Promise<RecheckResult> {
  const keys = throttleKeys(account.email, ip);
  const reservation = await throttle.reserve(keys);
  if (!reservation.ok) return { ok: false, retryAfter: Math.max(1, reservation.retryAfter) };
  if (!(await verifyAccountPassword(connection, account.id, password)))
    return { ok: false, retryAfter: reservation.wait };
  await throttle.release(keys);
  return { ok: true };
}
