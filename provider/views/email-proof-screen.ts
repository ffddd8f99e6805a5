import type { Context } from 'koa';
import type nunjucks from 'nunjucks';

import { CODE_MINUTES, type CheckResult, type SendResult } from '../mfa/enrollment-email-proof.ts';
import { maskEmail } from '../mfa/mask-email.ts';
import { renderScreen } from './render-screen.ts';

/** What a refused code means for the user. */
export const CHECK_WORDS: Record<Exclude<CheckResult, 'proven'>, string> = {
  wrong: 'That code is not right. Check the latest email from us and try again.',
  expired: 'That code has expired or was replaced. Send a new code.',
  too_many: 'Too many wrong codes. Send a new code.',
};

const SEND_WORDS: Record<SendResult, { message?: string; error?: string }> = {
  sent: { message: 'We sent you a new code.' },
  already_sent: {},
  throttled: { error: 'Too many codes were sent. Wait an hour, or use the last code we sent.' },
  no_mail: {
    error: 'This server cannot send email, so two-step verification cannot be set up here. Ask your administrator.',
  },
};

/**
 * The step before a first factor's enrollment (views/mfa-email-proof.njk), for the sign-in
 * screens and the account page alike: the mailed code's box, a resend button, and the address
 * masked (the visitor may know only the password).
 */
export function renderEmailProofScreen(
  views: nunjucks.Environment,
  ctx: Context,
  screen: {
    email: string;
    action: string;
    resendAction: string;
    csrf: string;
    /** what the last send did: a page reload shows no "new code" notice */
    send?: SendResult;
    error?: string;
    reason?: string;
    cancel: { action: string } | { href: string };
  },
  status = 200,
): void {
  const words = screen.send === undefined || screen.send === 'already_sent' ? {} : SEND_WORDS[screen.send];
  renderScreen(
    views,
    ctx,
    'mfa-email-proof.njk',
    {
      title: 'Confirm your email',
      email: maskEmail(screen.email),
      sent: screen.send !== 'no_mail',
      minutes: CODE_MINUTES,
      action: screen.action,
      resendAction: screen.resendAction,
      csrf: screen.csrf,
      message: screen.error ? undefined : words.message,
      error: screen.error ?? words.error,
      reason: screen.reason,
      cancel: screen.cancel,
    },
    status,
  );
}
