import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** How an upstream speaks: OpenID Connect (discovery, ID token) or GitHub's OAuth 2.0 and REST API. */
export type IdpType = 'oidc' | 'github';

/** Which upstream claims become which local attributes (claim names, dotted paths not supported). */
export interface ClaimMapping {
  email: string;
  emailVerified: string;
  name: string;
  /** absent: groups are not read */
  groups?: string;
}

/** An upstream group whose members are kept in a local group (roles/manage-groups.ts syncUpstreamGroups). */
export interface GroupMapping {
  upstream: string;
  local: string;
}

/** An upstream identity provider users may sign in through. */
export interface IdpRecord {
  /** short name chosen by the operator: `corp`, `github`; part of the callback URL */
  _id: string;
  type: IdpType;
  /** what the "Continue with …" button says */
  displayName: string;
  /** OIDC: the issuer (discovery is at its /.well-known/openid-configuration); GitHub: the web address */
  issuer: string;
  /** GitHub only: the REST API's base (https://api.github.com, or https://host/api/v3 on GitHub Enterprise Server) */
  apiUrl?: string;
  clientId: string;
  /** JWE under KEY_ENCRYPTION_KEY, bound to the upstream's id (security/secret-box.ts) */
  sealedClientSecret: string;
  scopes: string[];
  enabled: boolean;
  /** whether a first sign-in of an unknown (verified) email creates an account here */
  provision: boolean;
  /** home-realm discovery: emails of these domains sign in only through this upstream */
  domains: string[];
  claims: ClaimMapping;
  /** OIDC: also read the userinfo endpoint (claims the ID token does not carry) */
  userinfo: boolean;
  /** upstream groups (from the groups claim) that make their members members of local groups, at every sign-in */
  groupMap?: GroupMapping[];
  /** upstream `acr` values that count as a second factor here (empty: the local MFA policy always applies) */
  mfaAcrValues: string[];
  /** RP-initiated logout here also sends the browser through the upstream's end_session_endpoint */
  upstreamLogout: boolean;
  /** a small PNG or SVG shown on the button, served from this provider (no third-party request) */
  icon?: { contentType: string; data: Buffer };
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<IdpRecord>(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    displayName: { type: String, required: true },
    issuer: { type: String, required: true },
    apiUrl: { type: String },
    clientId: { type: String, required: true },
    sealedClientSecret: { type: String, required: true },
    scopes: { type: [String], default: [] },
    enabled: { type: Boolean, default: true },
    provision: { type: Boolean, default: false },
    domains: { type: [String], default: [] },
    claims: {
      email: { type: String, required: true },
      emailVerified: { type: String, required: true },
      name: { type: String, required: true },
      groups: { type: String },
    },
    userinfo: { type: Boolean, default: false },
    groupMap: { type: [{ upstream: String, local: String, _id: false }], default: [] },
    mfaAcrValues: { type: [String], default: [] },
    upstreamLogout: { type: Boolean, default: false },
    icon: { contentType: { type: String }, data: { type: Buffer } },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'identity_providers' },
);

// Home-realm discovery looks an email's domain up here (one upstream per domain: manage-idps.ts checks).
schema.index({ domains: 1 });

export function idpModel(connection: Connection): Model<IdpRecord> {
  return modelOn<IdpRecord>(connection, 'IdentityProvider', schema);
}
