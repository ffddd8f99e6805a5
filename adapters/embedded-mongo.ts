import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The in-memory MongoDB-compatible development server shipped as a native binary by
 * `@jongodb/memory-server-bin-linux-x64-gnu`. It keeps nothing itself after it exits (development
 * keeps its contents in DEV_DATA_DIR: provider/dev-data): development and tests only
 * (database.ts refuses it in production).
 */
export interface EmbeddedMongo {
  uri: string;
  /** the server's process id (fault tests pause it with SIGSTOP) */
  pid: number;
  stop(): Promise<void>;
}

const READY = /JONGODB_URI=(\S+)/;
const START_TIMEOUT_MS = 20_000;
const PACKAGE = '@jongodb/memory-server-bin-linux-x64-gnu';

/** The embedded server's package is optional: npm installs it on linux x64 (glibc) only. */
export class EmbeddedDatabaseMissing extends Error {
  constructor() {
    super(
      [
        `No database: MONGODB_URI is not set, and the embedded development database (${PACKAGE}) is`,
        `not installed (npm installs it on linux x64 with glibc only; this machine: ${process.platform} ${process.arch}).`,
        'Start a MongoDB (6.0 or later) and point MONGODB_URI at it, for example with Docker:',
        '  docker run -d --name meshid-mongo -p 127.0.0.1:27017:27017 mongo:7',
        '  MONGODB_URI=mongodb://127.0.0.1:27017/meshid DEMO_SEED=1 npm start',
        '  MONGODB_URI=mongodb://127.0.0.1:27017/meshid npm test',
      ].join('\n'),
    );
    this.name = 'EmbeddedDatabaseMissing';
  }
}

function binaryPath(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve(`${PACKAGE}/package.json`);
  } catch {
    throw new EmbeddedDatabaseMissing();
  }
  return join(dirname(pkg), 'bin', 'jongodb');
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('embedded database did not start in time')), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited with code ${code}`));
    });
  });
}

/** `port` lets a test restart the server where clients expect it; any free port otherwise. */
export async function startEmbeddedMongo({ port = 0 }: { port?: number } = {}): Promise<EmbeddedMongo> {
  // Its own process group: Ctrl-C signals a terminal's whole foreground group, and the database
  // must outlive that signal long enough for the final snapshot; stop() ends it after that.
  const child = spawn(binaryPath(), ['--host=127.0.0.1', `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Detached, it would outlive a parent that exits without stop().
  const orphanGuard = () => child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  // Drain stderr so a chatty binary never blocks on a full pipe.
  child.stderr?.resume();
  const uri = await waitForReady(child);
  child.stdout?.resume();
  return {
    uri,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
