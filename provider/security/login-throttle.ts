import type { Connection } from 'mongoose';

import type { LoginThrottleConfig } from '../config.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import { loginThrottleModel, type LoginThrottleRecord } from './login-throttle-model.ts';
import { reserveAttempt, type Reservation } from './reserve-attempt.ts';

const MEMORY_MS = 24 * 60 * 60 * 1000;
const MAX_DELAY_SECONDS = 60;

/**
 * An attempt is counted twice: against the account from this address, which delays and then
 * locks that address out of that account, and against the account from everywhere, which locks
 * it only at a much higher count (a distributed attack). Nothing is keyed by address alone, so
 * a spray from one address, or everyone arriving through one proxy, cannot lock out the users
 * it did not attack.
 */
export interface ThrottleKeys {
  account: string;
  accountFromAddress: string;
}

/** Keyed by the email as typed (normalised), so unknown emails are throttled like real ones. */
export function throttleKeys(email: string, ip: string): ThrottleKeys {
  const who = normalizeEmail(email);
  return { account: `acct:${who}`, accountFromAddress: `acct-ip:${who}|${ip}` };
}

/** Seconds before the next attempt from one address after `failures` in a row: 0, then doubling, then the lock. */
export function accountDelay(failures: number, config: LoginThrottleConfig): number {
  if (failures >= config.lockAfter) return config.lockSeconds;
  if (failures < config.delayAfter) return 0;
  return Math.min(MAX_DELAY_SECONDS, 2 ** (failures - config.delayAfter));
}

/** Clears every failure count and lock of an account: from all addresses and from each one. */
export async function unlockAccount(connection: Connection, email: string): Promise<void> {
  const { account } = throttleKeys(email, '');
  const escaped = account.slice('acct:'.length).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await loginThrottleModel(connection).deleteMany({
    $or: [{ _id: account }, { _id: { $regex: `^acct-ip:${escaped}\\|` } }],
  });
}

/** Seconds the account is locked, for every address, after `failures` from all of them. */
export function accountWideDelay(failures: number, config: LoginThrottleConfig): number {
  return failures >= config.accountLockAfter ? config.lockSeconds : 0;
}

/**
 * Brute-force defence for password checks (the sign-in screen and the account page's re-checks),
 * in MongoDB so every instance shares it. Each attempt is reserved before the password is checked
 * (security/reserve-attempt.ts) and released by a right one.
 */
export class LoginThrottle {
  readonly #connection: Connection;
  readonly #config: LoginThrottleConfig;

  constructor(connection: Connection, config: LoginThrottleConfig) {
    this.#connection = connection;
    this.#config = config;
  }

  /**
   * Takes one attempt: refused (with the seconds to wait) while either counter is locked; else
   * counted, with the wait a wrong password will impose. One read and two writes.
   */
  async reserve(keys: ThrottleKeys): Promise<Reservation & { startsLock?: boolean }> {
    const Throttle = loginThrottleModel(this.#connection);
    const records = await Throttle.find({ _id: { $in: [keys.account, keys.accountFromAddress] } }).lean<
      LoginThrottleRecord[]
    >();
    const config = this.#config;
    if (records.length === 0 && (await this.#insertBoth(keys)))
      return { ok: true, failures: 1, wait: Math.max(accountDelay(1, config), accountWideDelay(1, config)) };
    const read = (key: string) => records.find((record) => record._id === key);
    const local = await reserveAttempt(Throttle, keys.accountFromAddress, read(keys.accountFromAddress), {
      delay: (failures) => accountDelay(failures, config),
      memoryMs: MEMORY_MS,
      insert: true,
    });
    if (!local.ok) return local;
    const wide = await reserveAttempt(Throttle, keys.account, read(keys.account), {
      delay: (failures) => accountWideDelay(failures, config),
      memoryMs: MEMORY_MS,
      insert: true,
    });
    if (!wide.ok) return wide;
    // A failure of this attempt locks the account (from this address, or from everywhere): its owner is told.
    const startsLock = local.failures === config.lockAfter || (wide.ok && wide.failures === config.accountLockAfter);
    return { ok: true, failures: local.failures, wait: Math.max(local.wait, wide.wait), startsLock };
  }

  /**
   * The common case, an account with no recent failures, in one write: both counters at one.
   * False when another request created either first; each is then reserved on its own, and
   * one this insert did create is counted twice for this attempt: rare, and on the safe side.
   */
  async #insertBoth(keys: ThrottleKeys): Promise<boolean> {
    const now = Date.now();
    const config = this.#config;
    const counter = (id: string, wait: number) => ({
      _id: id,
      failures: 1,
      lockedUntil: wait > 0 ? new Date(now + wait * 1000) : null,
      expiresAt: new Date(now + MEMORY_MS),
    });
    try {
      await loginThrottleModel(this.#connection).insertMany(
        [counter(keys.accountFromAddress, accountDelay(1, config)), counter(keys.account, accountWideDelay(1, config))],
        { ordered: true },
      );
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  /** A right password: both counters start again. */
  async release(keys: ThrottleKeys): Promise<void> {
    await loginThrottleModel(this.#connection).deleteMany({ _id: { $in: [keys.account, keys.accountFromAddress] } });
  }
}
