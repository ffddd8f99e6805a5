/**
 * Which claims each scope releases (OpenID Connect Core 5.4). oidc-provider filters the
 * account's claims through this table, so an account never over-shares.
 */
export const CLAIMS = {
  acr: null,
  auth_time: null,
  iss: null,
  sid: null,
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'updated_at'],
  email: ['email', 'email_verified'],
};

/** `offline_access` is accepted for relying parties that ask for it (OIDC Core 11). */
export const SCOPES = ['openid', 'offline_access', 'profile', 'email'];
