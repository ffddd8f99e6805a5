import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { childPids, cpuSeconds } from './process-cpu.ts';

export interface Child {
  process: ChildProcess;
  output(): string;
  /** resident memory in MB, from /proc */
  rssMb(): number;
  /** CPU seconds used so far by the process itself and by its children (the embedded database) */
  cpu(): { self: number; children: number };
  stop(): Promise<void>;
}

/** Starts a Node script as its own process (so the load generator does not share its event loop). */
export async function startChild(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<Child> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), timeoutMs);
    const poll = setInterval(() => {
      if (ready.test(output)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    },
    cpu: () => ({
      self: cpuSeconds(child.pid!),
      children: childPids(child.pid!).reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
