import type { Context } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Renders one of our page templates as the response: handed in by the app (views/), so this
 * folder configures the library without depending on how pages are made.
 */
export type RenderPage = (ctx: Context, template: string, data: Record<string, unknown>, status?: number) => void;

/**
 * The pages oidc-provider renders itself (errors it cannot redirect, the logout
 * confirmation and the signed-out page), in our layout instead of the library's defaults.
 */

/** Words for the error codes a person may meet on a page; the code itself is shown too. */
const ERROR_TEXT: Record<string, string> = {
  invalid_request: 'The application sent an incomplete or invalid sign-in request.',
  invalid_client: 'The application is not known to this sign-in service.',
  invalid_redirect_uri: 'The application asked to return to an address it has not registered.',
  unauthorized_client: 'The application is not allowed to make this request.',
  unsupported_response_type: 'The application asked for a kind of answer this service does not give.',
  session_not_found: 'Your sign-in session was not found or has expired. Go back to the application and start again.',
  server_error: 'Something went wrong on our side. Please try again.',
};

export function screens(renderPage: RenderPage) {
  return {
    async renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) {
      const message = ERROR_TEXT[out.error] ?? 'The sign-in request could not be completed.';
      renderPage(
        ctx,
        'error.njk',
        {
          title: 'Something went wrong',
          message,
          error: out.error,
          description: out.error === 'server_error' ? undefined : out.error_description,
        },
        Math.max(ctx.status, 400),
      );
    },

    async logoutSource(ctx: KoaContextWithOIDC, form: string) {
      const client = ctx.oidc.client;
      renderPage(ctx, 'logout.njk', {
        title: 'Sign out',
        clientName: client?.clientName ?? client?.clientId,
        // The form is oidc-provider's own markup (action URL and its xsrf token), not user input.
        form,
      });
    },

    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      const client = ctx.oidc.client;
      renderPage(ctx, 'logged-out.njk', {
        title: 'Signed out',
        clientName: client?.clientName ?? client?.clientId,
      });
    },
  };
}
