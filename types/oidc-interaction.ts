import type { Provider } from 'oidc-provider';

/** oidc-provider's Interaction model, as `interactionDetails()` returns it. */
export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
