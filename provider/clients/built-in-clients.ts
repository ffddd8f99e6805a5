/** The account pages' own client: registered at every start. */
export const ACCOUNT_CLIENT_ID = 'meshid-account';

/** The admin console's own client: registered at every start. */
export const CONSOLE_CLIENT_ID = 'meshid-admin-console';

/** Clients the provider itself registers at every start; administrators may not change or delete them. */
export const BUILT_IN_CLIENTS: readonly string[] = [ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID];
