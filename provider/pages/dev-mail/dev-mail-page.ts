import type { Context, Next } from 'koa';
import type { Connection } from 'mongoose';
import type nunjucks from 'nunjucks';

import { linksIn } from '../../mail/links-in.ts';
import { unsentMail } from '../../mail/unsent-mail.ts';
import { renderScreen } from '../../views/render-screen.ts';

/** Whether a client address is this machine's own. */
export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/**
 * Only to this machine: HOST=0.0.0.0 on a demo must not publish its reset links, and neither
 * may a reverse proxy on the same host (its connections come from loopback too, so a request
 * that a proxy forwarded, X-Forwarded-For present, is refused whatever TRUST_PROXY says).
 */
function fromThisMachine(ctx: Context): boolean {
  return isLoopback(ctx.req.socket.remoteAddress ?? '') && isLoopback(ctx.ip) && ctx.get('x-forwarded-for') === '';
}

/**
 * GET /dev/mail — development only (no SMTP_URL, the embedded database, never in production:
 * mounts/pages.ts does not mount it otherwise), and only to loopback clients: the mails the provider would have sent, newest first, with their links, so a newcomer
 * can finish a password reset without a mail server.
 */
export function devMailPage(connection: Connection, views: nunjucks.Environment) {
  return async function devMailPage(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/dev/mail' || ctx.method !== 'GET' || !fromThisMachine(ctx)) return next();
    const mails = await unsentMail(connection);
    renderScreen(views, ctx, 'dev-mail.njk', {
      title: 'Mail (development)',
      mails: mails.map((mail) => ({
        to: mail.to,
        subject: mail.subject,
        at: mail.createdAt.toISOString().replace('T', ' ').slice(0, 19),
        text: mail.text ?? '',
        links: linksIn(mail.text ?? ''),
      })),
    });
  };
}
