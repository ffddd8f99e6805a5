import { expect } from 'chai';

import { startProcessGroup, stopProcessGroups } from '../helpers/process-group.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Until every pid is gone (an orphan is reaped by init a moment after its parent ends). */
async function gone(pids: number[]): Promise<void> {
  while (pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('test helper: process groups a test starts end whatever happens', () => {
  const env = { PATH: process.env.PATH ?? '' };
  const pidsIn = (text: string) => text.trim().split(/\s+/).map(Number);

  it('stops a group left running, its children included', async () => {
    const shell = startProcessGroup('sh', ['-c', 'sleep 300 & echo $!; wait'], { env });
    await shell.waitFor(() => shell.stdout().includes('\n'), 'the child pid');
    const [child] = pidsIn(shell.stdout());
    await stopProcessGroups();
    await gone([shell.pid, child!]);
  });

  it('kills what ignores SIGTERM, a child in a session of its own too (as the embedded database)', async () => {
    const shell = startProcessGroup(
      'sh',
      ['-c', 'trap "" TERM; setsid sleep 300 & echo $!; sleep 300 & echo $!; wait'],
      {
        env,
      },
    );
    await shell.waitFor(() => shell.stdout().split('\n').length > 2, 'the child pids');
    const children = pidsIn(shell.stdout());
    expect(await shell.stop('SIGTERM', 100)).to.equal(null);
    await gone([shell.pid, ...children]);
  });

  it('fails a wait at once, with the output, when the process exits first', async () => {
    const shell = startProcessGroup('sh', ['-c', 'echo not ready; exit 3'], { env });
    const failed = await shell.waitFor(() => false, 'ready').catch((err: Error) => err);
    expect(String(failed)).to.include('exited (3) before ready').and.include('not ready');
  });
});
