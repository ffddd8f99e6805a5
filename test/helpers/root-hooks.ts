import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EmbeddedDatabaseMissing, startEmbeddedMongo, type EmbeddedMongo } from '../../adapters/embedded-mongo.ts';
import { setTestDatabaseUri } from './database.ts';
import { stopProcessGroups } from './process-group.ts';
import {
  addRecordedShapes,
  type QueryShape,
  recordedShapeCount,
  recordedShapes,
  recordQueryShapes,
  unindexedQueries,
} from './query-shapes.ts';

/**
 * One database server for the whole run: MONGODB_URI when given (a real MongoDB), else one
 * embedded development server. Each test file still gets its own database name.
 *
 * Global fixtures run once, in mocha's main process, also in parallel mode (where root
 * beforeAll/afterAll hooks run once per file, in the workers): the main process starts the
 * database and, at the end, checks the query shapes every worker wrote to SHAPES_DIR.
 */
const URI = 'MESHID_TEST_MONGODB_URI';
const SHAPES_DIR = 'MESHID_TEST_SHAPES_DIR';
let embedded: EmbeddedMongo | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // Workers are started after this and inherit these variables.
  process.env[SHAPES_DIR] = mkdtempSync(join(tmpdir(), 'meshid-shapes-'));
  const uri = process.env.MONGODB_URI;
  if (uri) {
    process.env[URI] = uri;
    return;
  }
  try {
    embedded = await startEmbeddedMongo();
  } catch (err) {
    // Say what to do, not a stack trace from a hook.
    if (!(err instanceof EmbeddedDatabaseMissing)) throw err;
    process.stderr.write(`\n${err.message}\n\n`);
    process.exit(1);
  }
  process.env[URI] = embedded.uri;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await embedded?.stop();
  const dir = process.env[SHAPES_DIR]!;
  for (const file of readdirSync(dir))
    addRecordedShapes(JSON.parse(readFileSync(join(dir, file), 'utf8')) as QueryShape[]);
  rmSync(dir, { recursive: true, force: true });
  // With 100,000 users and a million tokens a query no index serves is a full scan: name each one.
  // (A run of a few files checks what those files sent.)
  const unindexed = unindexedQueries();
  if (unindexed.length)
    throw new Error(
      `${unindexed.length} of ${recordedShapeCount()} query shapes have no index:\n  ${unindexed.join('\n  ')}`,
    );
}

export const mochaHooks = {
  beforeAll() {
    // Every query the whole suite sends is checked against the declared indexes at the end.
    recordQueryShapes();
    setTestDatabaseUri(process.env[URI]!);
  },
  async afterAll() {
    // A process a failed test left running would outlive the run (and hold its database).
    await stopProcessGroups();
    // This process's shapes so far (in parallel mode, after each file; the last write wins).
    writeFileSync(join(process.env[SHAPES_DIR]!, `${process.pid}.json`), JSON.stringify(recordedShapes()));
  },
};
