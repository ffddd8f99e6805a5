import type { Connection } from 'mongoose';

import { outboxModel, type OutboxRecord } from './outbox-model.ts';

type UnsentMail = Pick<OutboxRecord, '_id' | 'to' | 'subject' | 'text' | 'createdAt'>;

/** The newest mails development logged instead of sending (no SMTP_URL), for /dev/mail. */
export function unsentMail(connection: Connection, limit = 20): Promise<UnsentMail[]> {
  return outboxModel(connection)
    .find({ status: 'logged' }, { to: 1, subject: 1, text: 1, createdAt: 1 })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<UnsentMail[]>();
}
