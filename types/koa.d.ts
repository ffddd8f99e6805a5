import type { Interaction } from './oidc-interaction.ts';

declare module 'koa' {
  interface DefaultState {
    /** set by http/request-id.ts on every request */
    requestId: string;
    /** set by interactions/load-interaction.ts on interaction routes */
    interaction?: Interaction;
  }
}
