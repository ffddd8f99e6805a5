import type { Context } from 'koa';
import type nunjucks from 'nunjucks';

import type { PendingEnrollment } from '../mfa/enrollment.ts';
import { qrCodeDataUri } from '../mfa/qr-code.ts';
import { renderScreen } from './render-screen.ts';

/**
 * The TOTP enrollment screen (views/mfa-enroll.njk), for the sign-in screens and the account
 * page alike: the pending secret as a QR code drawn here and as text in groups of four.
 */
export async function renderEnrollmentScreen(
  views: nunjucks.Environment,
  ctx: Context,
  screen: {
    pending: PendingEnrollment;
    action: string;
    csrf: string;
    error?: string;
    /** why enrollment is asked for, when it is not the user's own choice */
    reason?: string;
    /** how to leave: a form post (the sign-in's abort, with the same CSRF token) or a link */
    cancel: { action: string } | { href: string };
  },
  status = 200,
): Promise<void> {
  renderScreen(
    views,
    ctx,
    'mfa-enroll.njk',
    {
      title: 'Set up two-step verification',
      action: screen.action,
      csrf: screen.csrf,
      qrCode: await qrCodeDataUri(screen.pending.uri),
      secret: screen.pending.secret.replace(/(.{4})/g, '$1 ').trim(),
      error: screen.error,
      reason: screen.reason,
      cancel: screen.cancel,
    },
    status,
  );
}
