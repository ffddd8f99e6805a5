import { auditChainStatus, auditFilterSchema, auditSchema, chainSchema, queryAudit } from '../audit.ts';
import { type ApiRoute, decodeCursor, page } from './api-route.ts';
import { cursorQuery, limitQuery, pageOf } from './api-schemas.ts';

export const auditRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/audit',
    area: 'audit',
    write: false,
    summary: 'Audit records, newest first; filter by time, actor, event (or a prefix ending in "."), subject',
    query: auditFilterSchema.extend({ limit: limitQuery, cursor: cursorQuery }),
    response: pageOf(auditSchema),
    handler: async ({ deps, query }) => {
      const limit = query.limit as number;
      const items = await queryAudit(deps, {
        limit,
        before: decodeCursor<number>(query.cursor, 'number'),
        from: query.from ? new Date(query.from as string) : undefined,
        to: query.to ? new Date(query.to as string) : undefined,
        actor: query.actor as string | undefined,
        event: query.event as string | undefined,
        subject: query.subject as string | undefined,
      });
      return page(items, limit, (r) => r.seq);
    },
  },
  {
    method: 'get',
    path: '/audit/chain',
    area: 'audit',
    write: false,
    summary: 'Whether the hash chain is intact (walks every record)',
    response: chainSchema,
    handler: ({ deps }) => auditChainStatus(deps),
  },
];
