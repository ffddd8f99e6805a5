import { EmbeddedDatabaseMissing, startEmbeddedMongo, type EmbeddedMongo } from '../../adapters/embedded-mongo.ts';
import { setTestDatabaseUri } from './database.ts';
import { stopProcessGroups } from './process-group.ts';
import { recordedShapeCount, recordQueryShapes, unindexedQueries } from './query-shapes.ts';

/**
 * One database server for the whole run: MONGODB_URI when given (a real MongoDB), else one
 * embedded development server. Each test file still gets its own database name.
 */
let embedded: EmbeddedMongo | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    // Every query the whole suite sends is checked against the declared indexes at the end.
    recordQueryShapes();
    const uri = process.env.MONGODB_URI;
    if (uri) {
      setTestDatabaseUri(uri);
    } else {
      try {
        embedded = await startEmbeddedMongo();
      } catch (err) {
        // Say what to do, not a stack trace from a hook.
        if (!(err instanceof EmbeddedDatabaseMissing)) throw err;
        process.stderr.write(`\n${err.message}\n\n`);
        process.exit(1);
      }
      setTestDatabaseUri(embedded.uri);
    }
  },
  async afterAll() {
    // A process a failed test left running would outlive the run (and hold its database).
    await stopProcessGroups();
    await embedded?.stop();
    // With 100,000 users and a million tokens a query no index serves is a full scan: name each one.
    // (A run of a few files checks what those files sent.)
    const unindexed = unindexedQueries();
    if (unindexed.length)
      throw new Error(
        `${unindexed.length} of ${recordedShapeCount()} query shapes have no index:\n  ${unindexed.join('\n  ')}`,
      );
  },
};
