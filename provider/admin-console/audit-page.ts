import type { Context } from 'koa';

import { auditChainStatus, queryAudit } from '../admin/admin-audit.ts';
import { auditRows } from './audit-rows.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { renderConsole } from './render-console.ts';

const PAGE = 100;
const field = (ctx: Context, name: string) =>
  typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).trim().slice(0, 200) : '';

/** GET /admin/audit — the log, newest first, filtered; ?verify=1 walks the chain. */
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
    const chain = ctx.query.verify === '1' ? await auditChainStatus(deps) : undefined;
    renderConsole(deps, ctx, 'audit.njk', 'audit', {
      title: 'Audit log',
      filters,
      chain,
      records: await auditRows(deps.connection, records),
      next: records.length === PAGE ? records.at(-1)!.seq : undefined,
    });
  };
}
