import { spawn } from 'node:child_process';

import { expect } from 'chai';

import { childPids, cpuSeconds, cpuSecondsFromStat } from '../../scripts/bench/process-cpu.ts';

describe('bench: CPU time per process from /proc', () => {
  it('reads utime + stime, counting fields after the command name', () => {
    // A command name with a space and a parenthesis must not shift the fields.
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 1000';
    expect(cpuSecondsFromStat(stat)).to.equal(3);
  });

  it('finds a spawned child and reads its CPU time; a gone process reads 0', async () => {
    const child = spawn('sleep', ['5']);
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(childPids(process.pid)).to.include(child.pid);
      expect(cpuSeconds(child.pid!)).to.be.at.least(0);
      expect(cpuSeconds(process.pid)).to.be.above(0);
    } finally {
      child.kill();
    }
    expect(cpuSeconds(2 ** 22 + 1)).to.equal(0);
  });
});
