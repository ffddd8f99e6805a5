import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** One account in one group, put there by an operator or by an upstream identity provider's group mapping. */
interface GroupMemberRecord {
  /** `<group> <accountId>` */
  _id: string;
  group: string;
  accountId: string;
  /** `admin`, or `idp:<id>` for a membership an upstream's groups keep in step at every sign-in */
  source: string;
  createdAt: Date;
}

const schema = new Schema<GroupMemberRecord>(
  {
    _id: { type: String, required: true },
    group: { type: String, required: true },
    accountId: { type: String, required: true },
    source: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'group_members' },
);

schema.index({ accountId: 1 });
schema.index({ group: 1 });

export const memberId = (group: string, accountId: string) => `${group} ${accountId}`;

export function groupMemberModel(connection: Connection): Model<GroupMemberRecord> {
  return modelOn<GroupMemberRecord>(connection, 'GroupMember', schema);
}
