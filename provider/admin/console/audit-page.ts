import type { Context } from 'koa';

import { accountEmails, auditChainStatus, queryAudit } from '../audit.ts';
import { auditRows, partyIds } from './audit-rows.ts';
import type { ConsoleDeps } from './console-deps.ts';
import type { ConsoleUser } from './console-session.ts';
import { renderConsole } from './render-console.ts';

const PAGE = 100;
/** The console checks only the newest records; `npm run audit:verify` walks the whole chain. */
const VERIFY_LAST = 1000;
const field = (ctx: Context, name: string) =>
  typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).trim().slice(0, 200) : '';

/** GET /admin/audit — the log, newest first, filtered; ?verify=1 (admins) checks the newest records' chain. */
export function auditPage(deps: ConsoleDeps) {
  return async function auditPage(ctx: Context): Promise<void> {
    const filters = { event: field(ctx, 'event'), subject: field(ctx, 'subject'), actor: field(ctx, 'actor') };
    const before = Number.parseInt(field(ctx, 'before'), 10);
    const records = await queryAudit(deps, {
      limit: PAGE,
      ...(filters.event ? { event: filters.event } : {}),
      ...(filters.subject ? { subject: filters.subject } : {}),
      ...(filters.actor ? { actor: filters.actor } : {}),
      ...(Number.isSafeInteger(before) && before > 0 ? { before } : {}),
    });
    // A bounded walk, and for administrators only: a viewer's request never walks the chain.
    const admin = (ctx.state.consoleUser as ConsoleUser | undefined)?.role === 'admin';
    const chain = ctx.query.verify === '1' && admin ? await auditChainStatus(deps, VERIFY_LAST) : undefined;
    renderConsole(deps, ctx, 'audit.njk', 'audit', {
      title: 'Audit log',
      filters,
      chain,
      verifyLast: VERIFY_LAST,
      records: auditRows(records, await accountEmails(deps, partyIds(records))),
      next: records.length === PAGE ? records.at(-1)!.seq : undefined,
    });
  };
}
