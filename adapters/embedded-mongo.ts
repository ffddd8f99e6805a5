import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

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

/** util-linux's setpriv, if this system has it (Debian and most Linux distributions do). */
function setprivPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, 'setpriv');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The command that runs the binary. Through `setpriv --pdeathsig KILL` (which sets
 * PR_SET_PDEATHSIG, then execs: same pid) the kernel kills the database when this process dies,
 * even by SIGKILL, which no exit handler sees; the binary cannot watch a pipe itself. Without
 * setpriv the 'exit' handler below is the only guard.
 */
function command(args: string[]): [string, string[]] {
  const setpriv = setprivPath();
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', binaryPath(), ...args]] : [binaryPath(), args];
}

interface EmbeddedMongoOptions {
  /** lets a test restart the server where clients expect it; any free port otherwise */
  port?: number;
  /** called when the server exits without stop() (killed, crashed) */
  onLost?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export async function startEmbeddedMongo({ port = 0, onLost }: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  // Its own process group: Ctrl-C signals a terminal's whole foreground group, and the database
  // must outlive that signal long enough for the final snapshot; stop() ends it after that.
  const [file, args] = command(['--host=127.0.0.1', `--port=${port}`]);
  const child = spawn(file, args, {
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
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) onLost?.(code, signal);
  });
  return {
    uri,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
