import mongoose, { type Connection } from 'mongoose';

import { startEmbeddedMongo } from './embedded-mongo.ts';

export interface Database {
  connection: Connection;
  /** true when this process started the in-memory development server */
  embedded: boolean;
  /** where the embedded server listens, with the database name: for the admin CLI while it runs */
  embeddedUri: string | undefined;
  close(): Promise<void>;
}

const DEFAULT_DATABASE = 'meshid';

interface DatabaseOptions {
  /** MONGODB_URI; undefined: start the embedded development server */
  uri: string | undefined;
  /** MONGODB_DATABASE; else the one in the URI's path, else "meshid" */
  databaseName: string | undefined;
  /** production never gets the embedded server */
  production: boolean;
  /** how long an operation waits for the database, a reachable server included, before failing */
  timeoutMs: number;
  /** where the embedded server's contents are kept between runs, if they are (for the start-up warning) */
  embeddedKeptIn?: string;
  /** the port the embedded server should listen on (its last one, for a kept folder); any when busy or 0 */
  embeddedPort?: number;
}

/** What this module logs through (a pino logger fits). */
interface DatabaseLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** The database named in a mongodb:// URI's path, if any (the driver would fall back to "test"). */
function databaseInUri(uri: string | undefined): string | undefined {
  const match = uri && /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

function embeddedWarning(keptIn: string | undefined): string {
  const kept = keptIn
    ? [`*  Its contents are saved in ${keptIn}/ and loaded at the next start (development only).`]
    : ['*  NOTHING IS KEPT: every account, client, key and session is lost on exit.'];
  return [
    '',
    '****************************************************************************',
    '*  MONGODB_URI is not set: using the EMBEDDED IN-MEMORY development database.',
    ...kept,
    '*  Set MONGODB_URI to a real MongoDB (6.0+) for anything but development.',
    '****************************************************************************',
    '',
  ].join('\n');
}

/**
 * Connects to MONGODB_URI, or starts the embedded development server when it is unset
 * (never in production: the configuration already refuses that, and this checks again).
 */
export async function connectDatabase(options: DatabaseOptions, logger: DatabaseLog): Promise<Database> {
  let uri = options.uri;
  let stopEmbedded: (() => Promise<void>) | undefined;

  if (uri === undefined) {
    if (options.production) {
      throw new Error('MONGODB_URI is required in production: the embedded database is for development only');
    }
    const port = options.embeddedPort ?? 0;
    // A lost database ends the process with an error rather than leaving it half alive (a 200
    // /healthz over a 503 for every request): a supervisor, or the developer, starts the pair
    // again and the data comes back from the last snapshot, saved within a second of each change.
    const onLost = (code: number | null, signal: NodeJS.Signals | null) => {
      logger.error({ code, signal }, 'embedded database exited: stopping');
      process.exit(1);
    };
    // The wanted port may have been taken since it was found free: then any port will do.
    const embedded = await startEmbeddedMongo({ port, onLost }).catch((err: unknown) => {
      if (port === 0) throw err;
      return startEmbeddedMongo({ onLost });
    });
    uri = embedded.uri;
    stopEmbedded = embedded.stop;
    process.stderr.write(embeddedWarning(options.embeddedKeptIn));
    logger.warn({ embedded: true, keptIn: options.embeddedKeptIn }, 'embedded in-memory database started');
  }

  // autoCreate off: collections appear on first write, and the development server has no
  // `create` command. Indexes are created explicitly at start-up (ensureIndexes).
  // bufferCommands off: while the database is unreachable an operation fails (after the driver's
  // server selection timeout) and the request gets a 503, instead of queueing without bound.
  const dbName = options.databaseName ?? databaseInUri(options.uri) ?? DEFAULT_DATABASE;
  const connection = mongoose.createConnection(uri, {
    autoCreate: false,
    autoIndex: false,
    bufferCommands: false,
    // Command monitoring feeds the database latency metric.
    monitorCommands: true,
    dbName,
    serverSelectionTimeoutMS: options.timeoutMs,
    // A hung server (a stuck primary, a network black hole) accepts connections and never answers:
    // without these a request waits for the driver's monitor (~40 s). (Driver 7 dropped timeoutMS.)
    // The socket timeout also ends an operation that runs longer: none of ours should.
    connectTimeoutMS: options.timeoutMs,
    socketTimeoutMS: options.timeoutMs,
  });
  // An 'error' event without a listener would end the process; a lost database is survivable.
  connection.on('error', (err: Error) => logger.error({ err }, 'database error'));
  connection.on('disconnected', () => logger.warn({}, 'database disconnected'));
  connection.on('reconnected', () => logger.info({}, 'database reconnected'));
  await connection.asPromise();

  return {
    connection,
    embedded: stopEmbedded !== undefined,
    embeddedUri: stopEmbedded === undefined ? undefined : `${/^mongodb:\/\/[^/?]+/.exec(uri)![0]}/${dbName}`,
    async close() {
      await connection.close();
      await stopEmbedded?.();
    },
  };
}
