import type { AuditView } from '../audit.ts';
import { type DetailItem, detailItems } from './audit-details.ts';

/** An account or client named in a record: its email when it is an account we know. */
interface AuditParty {
  id: string;
  email?: string;
}

/** One row of the audit page, ready for the template. */
interface AuditRow {
  seq: number;
  /** ISO 8601, for <time datetime> (the page's script shows it in the reader's time zone) */
  at: string;
  /** the same instant as text, in UTC: what is shown without the script */
  atUtc: string;
  event: string;
  outcome: string;
  account?: AuditParty;
  client?: string;
  by?: AuditParty;
  details: DetailItem[];
}

/** `2026-12-05T09:08:33.120Z` → `2026-12-05 09:08:33 UTC`. */
export const utcText = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

const actorOf = (record: AuditView) => (record.details?.by as { sub?: unknown } | undefined)?.sub;

/** The accounts and actors a page of records names: looked up in one query (accountEmails), not one per row. */
export function partyIds(records: AuditView[]): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    if (record.account) ids.add(record.account);
    const actor = actorOf(record);
    if (typeof actor === 'string') ids.add(actor);
  }
  return ids;
}

/**
 * The audit page's rows: accounts and actors shown by email; an id that is no account (a
 * service's client id, a deleted account) is shown as it is.
 */
export function auditRows(records: AuditView[], emails: ReadonlyMap<string, string>): AuditRow[] {
  const party = (id: unknown): AuditParty | undefined =>
    typeof id === 'string' && id ? { id, ...(emails.has(id) ? { email: emails.get(id) } : {}) } : undefined;
  return records.map((record) => ({
    seq: record.seq,
    at: record.at,
    atUtc: utcText(record.at),
    event: record.event,
    outcome: record.outcome,
    account: party(record.account),
    client: record.client,
    by: party(actorOf(record)),
    details: detailItems(record.details),
  }));
}
