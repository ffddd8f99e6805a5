import type { Client, KoaContextWithOIDC } from 'oidc-provider';

import { isFirstParty, metadataOf } from './client-metadata.ts';
import type { RenderPage } from './screens.ts';

/**
 * The device flow's pages (RFC 8628: the code entry at /device, the confirmation, the end), in
 * our layout. oidc-provider hands over its own form markup; only its action and CSRF token are
 * taken from it, so the page stays ours (labelled fields, no inline script under the CSP).
 */

function unescapeHtml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function field(form: string, pattern: RegExp): string {
  return pattern.exec(form)?.[1] ?? '';
}

const formParts = (form: string) => ({
  action: field(form, /action="([^"]+)"/),
  xsrf: field(form, /name="xsrf" value="([^"]*)"/),
  // verification_uri_complete: the code arrives filled in; the library escaped it for HTML, the
  // template escapes it again, so it is unescaped here first
  code: unescapeHtml(field(field(form, /<input([^>]*name="user_code"[^>]*)>/), /value="([^"]*)"/)),
});

/** Words for what went wrong with a code, by oidc-provider's error names. */
function codeProblem(err: (Error & { userCode?: string }) | undefined): string | undefined {
  if (!err) return undefined;
  switch (err.name) {
    case 'NoCodeError':
      return 'Enter the code your device shows.';
    case 'NotFoundError':
      return 'That code is not right. Check it on your device and try again.';
    case 'ExpiredError':
      return 'That code has expired. Start again on your device to get a new one.';
    case 'AlreadyUsedError':
      return 'That code was already used. Start again on your device to get a new one.';
    case 'AbortedError':
      return 'Sign-in on the device was denied. You can close this page.';
    default:
      return 'That did not work. Start again on your device.';
  }
}

export function deviceScreens(renderPage: RenderPage) {
  return {
    async userCodeInputSource(
      ctx: KoaContextWithOIDC,
      form: string,
      _out?: unknown,
      err?: Error & { userCode?: string },
    ): Promise<void> {
      // The library's session, with the flag its proxy keeps for "save me at the end".
      const session = ctx.oidc.session as (typeof ctx.oidc.session & { touched?: boolean }) | undefined;
      if (err && session && typeof session.exp !== 'number') {
        // A POST whose browser holds no stored session (no cookie, an unknown or an expired one):
        // the library's re-rendered form would carry a token no session keeps, and its attempt to
        // store the never-saved session answers 500. Nothing is kept; the page is opened again.
        session.touched = false;
        renderPage(
          ctx,
          'device-code.njk',
          {
            title: 'Connect a device',
            error: 'This page has expired, or your browser did not send its cookie.',
            restart: ctx.oidc.urlFor('code_verification'),
          },
          400,
        );
        return;
      }
      const problem = codeProblem(err);
      renderPage(
        ctx,
        'device-code.njk',
        { title: 'Connect a device', ...formParts(form), error: problem, aborted: err?.name === 'AbortedError' },
        err && err.name !== 'AbortedError' ? 400 : 200,
      );
    },

    async userCodeConfirmSource(
      ctx: KoaContextWithOIDC,
      form: string,
      client: Client,
      deviceInfo: { ip?: string; ua?: string } | undefined,
      userCode: string,
    ): Promise<void> {
      const scope = ctx.oidc.entities.DeviceCode?.params?.scope;
      // A third-party client's user is asked on the consent screen, after sign-in, with each API and
      // scope described: this page then only checks the code (RFC 8628 5.4), so consent is asked once.
      const consentFollows = !isFirstParty(metadataOf(client));
      renderPage(ctx, 'device-confirm.njk', {
        title: consentFollows ? 'Is this your device?' : 'Allow this device?',
        consentFollows,
        ...formParts(form),
        userCode,
        clientName: client.clientName ?? client.clientId,
        scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
        deviceAddress: deviceInfo?.ip,
        deviceAgent: deviceInfo?.ua,
      });
    },

    async successSource(ctx: KoaContextWithOIDC): Promise<void> {
      const client = ctx.oidc.client;
      renderPage(ctx, 'device-done.njk', {
        title: 'Device connected',
        clientName: client?.clientName ?? client?.clientId,
      });
    },
  };
}
