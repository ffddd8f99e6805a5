import { expect } from 'chai';

import { ConfigError, loadConfig } from '../../provider/config.ts';
import { isLoopback } from '../../provider/pages/dev-mail/dev-mail-page.ts';
import { linksIn } from '../../provider/mail/links-in.ts';
import { MailTemplates } from '../../provider/mail/mail-templates.ts';
import { retryDelay } from '../../provider/mail/retry-delay.ts';

describe('mail rules', () => {
  it('waits the base, then twice as long after each failure, at most an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 30))).to.deep.equal([30, 60, 120, 240]);
    expect(retryDelay(20, 30)).to.equal(3600);
  });

  it('finds the links of a text mail', () => {
    expect(linksIn('Open https://id.example/password/reset?token=abc_-1 now.\nOr http://x.test/a')).to.deep.equal([
      'https://id.example/password/reset?token=abc_-1',
      'http://x.test/a',
    ]);
  });

  it('sends with SMTP_URL, keeps mail in development without it, and turns mail off in production', () => {
    expect(loadConfig({}).mail).to.include({ mode: 'log', from: 'meshid <no-reply@localhost>' });
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@smtp.example.com:465' }).mail.mode).to.equal('smtp');
    const production = {
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.com',
      MONGODB_URI: 'mongodb://db.example.com/meshid',
      MFA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64'),
    };
    expect(loadConfig(production).mail.mode).to.equal('off');
    expect(loadConfig({ ...production, SMTP_URL: 'smtp://relay.internal:25' }).mail.mode).to.equal('smtp');
  });

  it('shows /dev/mail only on the embedded database (or in tests), and only to this machine', () => {
    expect(loadConfig({}).mail.devPage).to.equal(true);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db.internal/meshid' }).mail.devPage).to.equal(false);
    expect(loadConfig({ SMTP_URL: 'smtp://relay:25' }).mail.devPage).to.equal(false);
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopback)).to.equal(true);
    expect(['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', '2001:db8::1'].some(isLoopback)).to.equal(false);
  });

  it('refuses a bad SMTP_URL without repeating it (it may hold a password)', () => {
    for (const value of ['https://u:secret@smtp.example.com', 'not a url secret', 'smtp://']) {
      let error: unknown;
      try {
        loadConfig({ SMTP_URL: value });
      } catch (err) {
        error = err;
      }
      expect(error, value).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).variable).to.equal('SMTP_URL');
      expect((error as ConfigError).message).not.to.include('secret');
    }
    expect(() => loadConfig({ MAIL_FROM: 'two words' })).to.throw('MAIL_FROM');
    expect(() => loadConfig({ PASSWORD_RESET_TTL: '60' })).to.throw('PASSWORD_RESET_TTL');
  });

  it('renders a subject, a text body with its link intact, and an escaped HTML body', () => {
    const mail = new MailTemplates().render('password-reset', {
      email: 'a&b@example.test',
      link: 'https://id.example/password/reset?token=x&y',
      minutes: 30,
      product: 'meshid',
      issuer: 'https://id.example',
    });
    expect(mail.subject).to.equal('Reset your meshid password');
    expect(mail.text).to.include('https://id.example/password/reset?token=x&y').and.include('a&b@example.test');
    expect(mail.html).to.include('href="https://id.example/password/reset?token=x&amp;y"');
    expect(mail.html).to.include('a&amp;b@example.test');
  });
});
