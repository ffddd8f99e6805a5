import type { AccountSession } from '../provider/self-service/current-session.ts';
import type { Interaction } from './oidc-interaction.ts';

declare module 'koa' {
  interface DefaultState {
    /** set by http/request-id.ts on every request */
    requestId: string;
    /** set by interactions/load-interaction.ts on interaction routes */
    interaction?: Interaction;
    /** set by account/require-session.ts on the account pages */
    accountSession?: AccountSession;
  }
}
