import type { Command } from 'commander';

import { auditModel, type AuditRecord } from '../../provider/security/audit-model.ts';
import { verifyAuditChain } from '../../provider/security/verify-audit-chain.ts';
import { AdminError, type AdminContext } from './admin-context.ts';
import { print } from './output.ts';

type Run = (action: (ctx: AdminContext) => Promise<void>) => Promise<void>;

export function auditCommand(program: Command, run: Run): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit.command('tail').description('the latest records').option('-n, --lines <n>', 'how many', '20').option('--json', 'machine-readable output')
    .action((options: { lines: string; json?: boolean }) => run(async (ctx) => {
      const n = Number(options.lines);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new AdminError('--lines must be 1 to 10000');
      const records = (await auditModel(ctx.connection).find({}).sort({ _id: -1 }).limit(n).lean<AuditRecord[]>()).reverse();
      print(records.map((r) => ({
        seq: r._id, at: r.at.toISOString(), event: r.event, outcome: r.outcome, account: r.account ?? '', client: r.client ?? '', ip: r.ip ?? '',
      })), options.json);
    }));

  audit.command('verify').description('walk the hash chain; exit 1 naming the first broken record')
    .action(() => run(async (ctx) => {
      const verdict = await verifyAuditChain(ctx.connection);
      if (!verdict.ok) throw new AdminError(`audit chain BROKEN at record ${verdict.brokenAt}: ${verdict.reason}`);
      print(`audit chain intact: ${verdict.records} records`, false);
    }));
}
