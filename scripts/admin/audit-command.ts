import type { Command } from 'commander';

import { auditHead, queryAudit, verifyAuditLog } from '../../provider/admin/audit.ts';
import type { ChainAnchor } from '../../provider/security/verify-audit-chain.ts';
import { AdminError, type Run } from './admin-context.ts';
import { print } from './output.ts';

export function auditCommand(program: Command, run: Run): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('tail')
    .description('the latest records')
    .option('-n, --lines <n>', 'how many', '20')
    .option('--json', 'machine-readable output')
    .action((options: { lines: string; json?: boolean }) =>
      run(async (ctx) => {
        const n = Number(options.lines);
        if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new AdminError('--lines must be 1 to 10000');
        const records = (await queryAudit(ctx.admin(), { limit: n })).reverse();
        print(
          records.map((r) => ({
            seq: r.seq,
            at: r.at,
            event: r.event,
            outcome: r.outcome,
            account: r.account ?? '',
            client: r.client ?? '',
            ip: r.ip ?? '',
          })),
          options.json,
        );
      }),
    );

  audit
    .command('head')
    .description("the last record's position and hash: note them down elsewhere to anchor the chain")
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      run(async (ctx) => {
        const head = await auditHead(ctx.admin());
        if (!head) throw new AdminError('the audit log is empty');
        print(
          options.json
            ? { seq: head.seq, hash: head.hash, at: head.at.toISOString() }
            : `${head.seq}:${head.hash} (${head.at.toISOString()})`,
          options.json,
        );
      }),
    );

  audit
    .command('verify')
    .description('walk the hash chain; exit 1 naming the first broken record')
    .option('--anchor <seq:hash>', 'a head printed earlier by `audit head`: catches records cut from the end')
    .action((options: { anchor?: string }) =>
      run(async (ctx) => {
        const verdict = await verifyAuditLog(ctx.admin(), parseAnchor(options.anchor));
        if (!verdict.ok) throw new AdminError(`audit chain BROKEN at record ${verdict.brokenAt}: ${verdict.reason}`);
        print(
          `audit chain intact: ${verdict.records} records${verdict.unkeyed ? ` (the first ${verdict.unkeyed} written before keyed hashing)` : ''}`,
          false,
        );
      }),
    );
}

function parseAnchor(value: string | undefined): ChainAnchor | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
  if (!match) throw new AdminError('--anchor must be <seq>:<hash> as printed by `audit head`');
  return { seq: Number(match[1]), hash: match[2]! };
}
