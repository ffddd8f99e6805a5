// A .ts file, not a .d.ts: skipLibCheck skips declaration files, so a broken import here
// would quietly turn every member into `any`. tsc checks this file like any other.
import type { ApiCaller } from '../provider/admin/api/api-auth.ts';
import type { ConsoleUser } from '../provider/admin/console/console-session.ts';
import type { AccountSession } from '../provider/sessions/current-session.ts';
import type { Interaction } from './oidc-interaction.ts';

declare module 'koa' {
  interface DefaultState {
    /** set by http/request-id.ts on every request */
    requestId: string;
    /** set by http/issuer-host.ts when a trusted proxy names the host the browser asked for */
    forwardedHost?: string;
    /** set by interactions/load-interaction.ts on interaction routes */
    interaction?: Interaction;
    /** set by self-service/require-session.ts on the account pages */
    accountSession?: AccountSession;
    /** set by admin/api/api-auth.ts on admin API routes */
    caller?: ApiCaller;
    /** set by admin/console/console-session.ts on admin console pages */
    consoleUser?: ConsoleUser;
  }
}
