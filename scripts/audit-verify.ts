/**
 * npm run audit:verify — walks the audit hash chain in MONGODB_URI's database and names the
 * first broken record. Exit code 0 when intact, 1 when broken, 2 on bad configuration.
 */
import mongoose from 'mongoose';

import { ConfigError, loadConfig } from '../provider/config.ts';
import { scriptArgs } from './cli-args.ts';
import { auditKey } from '../provider/security/audit-hash.ts';
import { verifyAuditChain } from '../provider/security/verify-audit-chain.ts';

const USAGE = `Usage: npm run audit:verify

Walks the audit hash chain in MONGODB_URI's database (keyed with KEY_ENCRYPTION_KEY) and names
the first broken record. Exit 0 intact, 1 broken, 2 bad configuration.
To also catch records cut from the end: npm run admin -- audit verify --anchor <seq:hash>

  --help   this text`;

async function main(): Promise<number> {
  scriptArgs(USAGE, {});
  const config = loadConfig(process.env);
  if (!config.mongodbUri) {
    process.stderr.write(
      'audit:verify needs MONGODB_URI (the embedded development database keeps no audit log between runs)\n',
    );
    return 2;
  }
  const connection = mongoose.createConnection(config.mongodbUri, {
    dbName: config.mongodbDatabase,
    autoCreate: false,
    autoIndex: false,
  });
  await connection.asPromise();
  try {
    const verdict = await verifyAuditChain(connection, auditKey(config.keys.encryptionKey));
    if (verdict.ok) {
      process.stdout.write(`audit chain intact: ${verdict.records} records\n`);
      return 0;
    }
    process.stdout.write(`audit chain BROKEN at record ${verdict.brokenAt}: ${verdict.reason}\n`);
    return 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `audit:verify failed: ${(err as Error).message}`}\n`,
    );
    process.exit(2);
  },
);
