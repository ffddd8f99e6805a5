import type { Configuration } from 'oidc-provider';

/** Asymmetric only: client secrets are stored hashed, so they cannot key an HMAC. */
const ASYMMETRIC_JWS = ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'] as const;

/** The JWS algorithms accepted and offered everywhere the library signs or checks a JWT. */
export const signingAlgorithms: Configuration['enabledJWA'] = {
  clientAuthSigningAlgValues: ASYMMETRIC_JWS,
  requestObjectSigningAlgValues: ASYMMETRIC_JWS,
  idTokenSigningAlgValues: ASYMMETRIC_JWS,
  userinfoSigningAlgValues: ASYMMETRIC_JWS,
  introspectionSigningAlgValues: ASYMMETRIC_JWS,
  authorizationSigningAlgValues: ASYMMETRIC_JWS,
};
