import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** Who holds a role: a user directly, the members of a group, or a service client (client credentials). */
export type HolderKind = 'user' | 'group' | 'client';

export interface RoleAssignmentRecord {
  /** `<kind> <subject> <resource> <role>` */
  _id: string;
  kind: HolderKind;
  /** the account id, group name or client id */
  subject: string;
  resource: string;
  role: string;
  createdAt: Date;
}

const schema = new Schema<RoleAssignmentRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    subject: { type: String, required: true },
    resource: { type: String, required: true },
    role: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'role_assignments' },
);

schema.index({ kind: 1, subject: 1 });
schema.index({ resource: 1, role: 1 });

export const assignmentId = (kind: HolderKind, subject: string, resource: string, role: string) =>
  `${kind} ${subject} ${resource} ${role}`;

export function roleAssignmentModel(connection: Connection): Model<RoleAssignmentRecord> {
  return modelOn<RoleAssignmentRecord>(connection, 'RoleAssignment', schema);
}
