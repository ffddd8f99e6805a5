/**
 * Which claims each scope releases (OpenID Connect Core 5.4). oidc-provider filters the
 * account's claims through this table, so an account never over-shares.
 */
export const CLAIMS = {
  acr: null,
  amr: null,
  auth_time: null,
  iss: null,
  sid: null,
  // amr/acr ride with openid so every ID token says how the user signed in (RFC 8176).
  openid: ['sub', 'amr', 'acr'],
  profile: ['name', 'given_name', 'family_name', 'updated_at'],
  email: ['email', 'email_verified'],
  // The user's groups (capped: roles/access-rules.ts), for clients that ask for them.
  groups: ['groups'],
};

/** `offline_access` is accepted for relying parties that ask for it (OIDC Core 11). */
export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'groups'];
