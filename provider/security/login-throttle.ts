import type { Connection } from 'mongoose';

import type { LoginThrottleConfig } from '../config.ts';
import { normalizeEmail } from '../accounts/normalize-email.ts';
import { loginThrottleModel, type LoginThrottleRecord } from './login-throttle-model.ts';

const ACCOUNT_MEMORY_MS = 24 * 60 * 60 * 1000;
const IP_WINDOW_MS = 60 * 60 * 1000;
const MAX_DELAY_SECONDS = 60;

export interface ThrottleKeys {
  account: string;
  ip: string;
}

/** Keyed by the email as typed (normalised), so unknown emails are throttled like real ones. */
export function throttleKeys(email: string, ip: string): ThrottleKeys {
  return { account: `acct:${normalizeEmail(email)}`, ip: `ip:${ip}` };
}

/** Seconds before the next attempt after `failures` in a row: 0, then doubling, then the lock. */
export function accountDelay(failures: number, config: LoginThrottleConfig): number {
  if (failures >= config.lockAfter) return config.lockSeconds;
  if (failures < config.delayAfter) return 0;
  return Math.min(MAX_DELAY_SECONDS, 2 ** (failures - config.delayAfter));
}

function live(record: LoginThrottleRecord | undefined, now: number): LoginThrottleRecord | undefined {
  return record && record.expiresAt.getTime() > now ? record : undefined;
}

/**
 * Brute-force defence for the password step, in MongoDB so every instance shares it: failures
 * are counted per account and per client IP; past a threshold each failure delays the next
 * attempt (doubling), then locks the account for a while; too many failures from one IP lock
 * that IP. A successful sign-in clears the account's count.
 */
export class LoginThrottle {
  readonly #connection: Connection;
  readonly #config: LoginThrottleConfig;

  constructor(connection: Connection, config: LoginThrottleConfig) {
    this.#connection = connection;
    this.#config = config;
  }

  /**
   * Seconds the caller must wait before trying (0: go ahead), and whether the account has a
   * failure count that a success must clear. One read.
   */
  async check(keys: ThrottleKeys): Promise<{ retryAfter: number; accountCounted: boolean }> {
    const now = Date.now();
    const records = await loginThrottleModel(this.#connection).find({ _id: { $in: [keys.account, keys.ip] } }).lean<LoginThrottleRecord[]>();
    const waits = records
      .map((record) => live(record, now)?.lockedUntil?.getTime() ?? 0)
      .map((until) => Math.max(0, Math.ceil((until - now) / 1000)));
    return { retryAfter: Math.max(0, ...waits), accountCounted: records.some((record) => record._id === keys.account) };
  }

  /** Counts one failure against the account and the IP; returns the resulting wait in seconds. */
  async fail(keys: ThrottleKeys): Promise<number> {
    const [accountFailures, ipFailures] = await Promise.all([
      this.#increment(keys.account, ACCOUNT_MEMORY_MS),
      this.#increment(keys.ip, IP_WINDOW_MS),
    ]);
    const Throttle = loginThrottleModel(this.#connection);
    const accountWait = accountDelay(accountFailures, this.#config);
    const ipWait = ipFailures >= this.#config.ipLockAfter ? this.#config.lockSeconds : 0;
    await Promise.all([
      accountWait > 0 ? Throttle.updateOne({ _id: keys.account }, { $set: { lockedUntil: new Date(Date.now() + accountWait * 1000) } }) : undefined,
      ipWait > 0 ? Throttle.updateOne({ _id: keys.ip }, { $set: { lockedUntil: new Date(Date.now() + ipWait * 1000) } }) : undefined,
    ]);
    return Math.max(accountWait, ipWait);
  }

  async succeed(keys: ThrottleKeys): Promise<void> {
    await loginThrottleModel(this.#connection).deleteOne({ _id: keys.account });
  }

  /** Adds a failure to a counter, starting afresh when the old one has expired (TTL reaping is late). */
  async #increment(key: string, memoryMs: number): Promise<number> {
    const Throttle = loginThrottleModel(this.#connection);
    const now = new Date();
    await Throttle.updateOne({ _id: key, expiresAt: { $lte: now } }, { $set: { failures: 0, lockedUntil: null } });
    const after = await Throttle.findOneAndUpdate(
      { _id: key },
      { $inc: { failures: 1 }, $set: { expiresAt: new Date(now.getTime() + memoryMs) } },
      { upsert: true, returnDocument: 'after' },
    ).lean<LoginThrottleRecord>();
    return after?.failures ?? 1;
  }
}
