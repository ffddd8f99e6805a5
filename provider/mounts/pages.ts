import type Koa from 'koa';

import { underPrefix } from '../http/under-prefix.ts';
import { devMailPage } from '../pages/dev-mail/dev-mail-page.ts';
import { forgotPasswordRoutes } from '../pages/forgot-password/index.ts';
import { signUpRoutes } from '../pages/sign-up/index.ts';
import { verifyEmailRoutes } from '../pages/verify-email/index.ts';
import type { AppInput } from './app-input.ts';
import type { SharedDeps } from './shared-deps.ts';

/** /password, /email, /signup and /dev/mail (pages/): each only when its setting turns it on */
export function mountPages(
  app: Koa,
  { mailer, config, views, audit, connection }: AppInput,
  { notify }: SharedDeps,
): void {
  if (mailer.enabled) {
    const forgot = forgotPasswordRoutes({
      ...notify,
      views,
      audit,
      passwordMinLength: config.passwordMinLength,
      passwordHashing: config.passwordHashing,
      resetSeconds: config.mail.passwordResetSeconds,
    });
    app.use(underPrefix('/password', forgot));
    const verify = verifyEmailRoutes({ ...notify, views, audit });
    app.use(underPrefix('/email', verify));
  }
  if (config.signup.mode !== 'off') {
    const signUp = signUpRoutes({
      ...notify,
      views,
      audit,
      signup: config.signup,
      passwordMinLength: config.passwordMinLength,
      passwordHashing: config.passwordHashing,
    });
    app.use(underPrefix('/signup', signUp));
  }
  // Development without SMTP_URL, on the embedded database only: the mails that were not sent.
  if (config.mail.devPage) app.use(devMailPage(connection, views));
}
