import { type ChildProcess, spawn } from 'node:child_process';

import { childPids } from '../../scripts/bench/process-cpu.ts';

/** A process a test started, in a process group of its own, with its output kept. */
export interface StartedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** the exit code, or null when a signal ended it */
  readonly exited: Promise<number | null>;
  /**
   * Waits until `condition` holds, however long a loaded machine takes (the test's timeout
   * bounds it); fails at once, with the output, if the process exits first.
   */
  waitFor(condition: () => boolean, what: string): Promise<void>;
  /** Signals the whole group and waits for the exit; SIGKILL for everything left after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  /** the whole environment of the process (nothing is inherited) */
  env: Record<string, string>;
  /** written to stdin, which is then closed; stdin is ignored without it */
  stdin?: string;
  /** `true` keeps stderr in stdout, in order (as a terminal shows them) */
  mergeOutput?: boolean;
}

const running = new Set<StartedProcess>();
/** Processes stopped by cleanup: a test that waited on them has already failed or timed out. */
const abandoned = new WeakSet<StartedProcess>();

/** Every descendant of a process (children first found, then theirs), from /proc. */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let children: number[];
    try {
      children = childPids(parent);
    } catch {
      return; // gone already (or no /proc)
    }
    for (const child of children) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

/**
 * SIGKILL for the group and every descendant, including those in groups of their own (the
 * embedded database runs detached from the provider that started it).
 */
function killEverything(pid: number): void {
  const tree = descendants(pid);
  signal(-pid, 'SIGKILL');
  for (const child of tree) signal(child, 'SIGKILL');
}

/**
 * Starts `command` as the leader of a new process group. Whatever happens to the test, the
 * group ends: `stopProcessGroups()` (after each test and each file, see root-hooks.ts) stops
 * what is still running, and a last SIGKILL goes out when mocha's process exits.
 */
export function startProcessGroup(command: string, args: string[], options: StartOptions): StartedProcess {
  const child = spawn(command, args, {
    env: options.env,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    if (options.mergeOutput) stdout += chunk;
    else stderr += chunk;
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    // 'close': the output is complete too.
    child.once('close', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  const started: StartedProcess = {
    child,
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitFor(condition, what) {
      while (!condition()) {
        if (abandoned.has(started)) return new Promise<void>(() => {}); // its test is over: stay quiet
        if (exitCode !== undefined)
          throw new Error(`exited (${exitCode}) before ${what}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(sig = 'SIGTERM', graceMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      // Collected before the signal: once the leader is gone its children are re-parented.
      const tree = descendants(started.pid);
      signal(-started.pid, sig);
      const timer = setTimeout(() => {
        signal(-started.pid, 'SIGKILL');
        for (const pid of tree) signal(pid, 'SIGKILL');
      }, graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
        // A clean stop ends its children too; anything left (a detached database) is told to end.
        for (const pid of tree) signal(pid, 'SIGTERM');
      }
    },
  };
  running.add(started);
  void exited.then(
    () => running.delete(started),
    () => running.delete(started),
  );
  return started;
}

/** Stops every process group still running (a test that failed or timed out left it). */
export async function stopProcessGroups(): Promise<void> {
  const left = [...running];
  for (const started of left) abandoned.add(started);
  await Promise.all(left.map((started) => started.stop('SIGTERM', 5000).catch(() => undefined)));
}

process.on('exit', () => {
  for (const started of running) killEverything(started.pid);
});
