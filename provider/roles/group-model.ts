import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A group of users. Groups nest one level: a group may sit in a parent, which sits in none. */
export interface GroupRecord {
  /** its name: lower-case letters, digits, dots, dashes, underscores */
  _id: string;
  /** the group it sits in: its members hold the parent's roles too */
  parent?: string;
  description?: string;
  createdAt: Date;
}

const schema = new Schema<GroupRecord>(
  {
    _id: { type: String, required: true },
    parent: { type: String },
    description: { type: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'groups' },
);

schema.index({ parent: 1 });

export function groupModel(connection: Connection): Model<GroupRecord> {
  return modelOn<GroupRecord>(connection, 'Group', schema);
}
