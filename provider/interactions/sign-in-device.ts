import { randomBytes } from 'node:crypto';

import type { Context } from 'koa';

import { recordDevice } from '../accounts/known-devices.ts';
import { notifyAccount } from '../mail/notify-account.ts';
import type { InteractionDeps } from './interaction-deps.ts';

/** The long-lived cookie that lets a sign-in recognise the browser it comes from. */
const DEVICE_COOKIE = 'meshid_device';
const COOKIE_MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;

/**
 * After a successful sign-in: gives the browser a device cookie if it has none (random, signed
 * with the cookie keys), records it for the account, and mails the owner when the account has
 * signed in before but never from this browser. A cleared cookie, a private window or a new
 * browser count as new devices: the notice says where and when, so the owner can judge. It
 * never fails the sign-in; the mail goes out after the answer.
 */
export async function noteSignInDevice(deps: InteractionDeps, ctx: Context, accountId: string): Promise<void> {
  let deviceId = ctx.cookies.get(DEVICE_COOKIE, { signed: true });
  if (!deviceId || !/^[A-Za-z0-9_-]{22}$/.test(deviceId)) deviceId = randomBytes(16).toString('base64url');
  // Set again at every sign-in: a cookie signed by a rotated-out key is re-signed by the cookies
  // library as a session cookie, lost when the browser closes; the browser would then look new
  // at its next sign-in and its owner would get a notice each time.
  ctx.cookies.set(DEVICE_COOKIE, deviceId, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    maxAge: COOKIE_MAX_AGE_MS,
    overwrite: true,
  });
  const seen = await recordDevice(deps.connection, accountId, deviceId).catch((err: unknown) => {
    deps.logger.warn({ err }, 'sign-in device not recorded');
    return 'known' as const;
  });
  if (seen !== 'new') return;
  const browser = String(ctx.get('user-agent') || 'an unknown browser').slice(0, 160);
  const detail = `Browser: ${browser}. Address: ${ctx.ip}.`;
  deps.notify.mailer.inBackground(() => notifyAccount(deps.notify, accountId, 'new_device', detail));
}
