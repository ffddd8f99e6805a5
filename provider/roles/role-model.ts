import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A role of one API (resource server), and the scopes of that API it grants. */
export interface RoleRecord {
  /** `<resource indicator> <role name>` */
  _id: string;
  resource: string;
  name: string;
  scopes: string[];
  description?: string;
  createdAt: Date;
}

const schema = new Schema<RoleRecord>(
  {
    _id: { type: String, required: true },
    resource: { type: String, required: true },
    name: { type: String, required: true },
    scopes: { type: [String], default: [] },
    description: { type: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'roles' },
);

schema.index({ resource: 1 });

export const roleId = (resource: string, name: string) => `${resource} ${name}`;

export function roleModel(connection: Connection): Model<RoleRecord> {
  return modelOn<RoleRecord>(connection, 'Role', schema);
}
