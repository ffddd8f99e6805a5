import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A role as a token needs it: its API, its name, the scopes it grants there. */
export interface HeldRole {
  resource: string;
  name: string;
  scopes: string[];
}

/**
 * What one user or service client may do, worked out when groups, roles or assignments change
 * (refresh-access.ts), so that issuing a token reads one record instead of following
 * memberships, parents and assignments every time.
 */
export interface PrincipalAccessRecord {
  /** `user:<accountId>` or `client:<clientId>` */
  _id: string;
  /** the user's groups, parents included, sorted */
  groups: string[];
  roles: HeldRole[];
  updatedAt: Date;
}

const schema = new Schema<PrincipalAccessRecord>(
  {
    _id: { type: String, required: true },
    groups: { type: [String], default: [] },
    roles: { type: [{ resource: String, name: String, scopes: [String], _id: false }], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'principal_access' },
);

export const userPrincipal = (accountId: string) => `user:${accountId}`;
export const clientPrincipal = (clientId: string) => `client:${clientId}`;

export function principalAccessModel(connection: Connection): Model<PrincipalAccessRecord> {
  return modelOn<PrincipalAccessRecord>(connection, 'PrincipalAccess', schema);
}
