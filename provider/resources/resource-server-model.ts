import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** An API that accepts our access tokens, named by its resource indicator (RFC 8707). */
export interface ResourceServerRecord {
  /** the resource indicator: an absolute URI, also the `aud` of its tokens */
  _id: string;
  name: string;
  /** every scope this API understands */
  scopes: string[];
  /** what scopes let an application do, in words a person can consent to (scope names may hold dots: a list, not keys) */
  scopeDescriptions?: { scope: string; text: string }[];
  /** seconds; falls back to ACCESS_TOKEN_TTL / CLIENT_CREDENTIALS_TTL */
  accessTokenTtl?: number;
  /** roles: a user or service gets a scope of this API only when one of its roles grants it; open (default): as the client allows */
  scopeAccess?: 'open' | 'roles';
  /** its access tokens also carry the caller's `groups` */
  groupsClaim?: boolean;
  /** the names of its roles (roles/manage-roles.ts keeps this in step): an API without any costs no access lookup */
  roles?: string[];
  createdAt: Date;
}

const resourceServerSchema = new Schema<ResourceServerRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    scopes: { type: [String], default: [] },
    scopeDescriptions: { type: [{ scope: String, text: String, _id: false }], default: undefined },
    accessTokenTtl: { type: Number },
    scopeAccess: { type: String },
    groupsClaim: { type: Boolean },
    roles: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'resource_servers' },
);

export function resourceServerModel(connection: Connection): Model<ResourceServerRecord> {
  return modelOn<ResourceServerRecord>(connection, 'ResourceServer', resourceServerSchema);
}
