import { expect } from 'chai';

import { runAdminWith } from '../helpers/admin-cli.ts';
import { startProcessGroup } from '../helpers/process-group.ts';

async function script(name: string, args: string[]): Promise<{ code: number; out: string }> {
  const run = startProcessGroup(
    process.execPath,
    [new URL(`../../scripts/${name}`, import.meta.url).pathname, ...args],
    {
      env: { PATH: process.env.PATH ?? '' },
      mergeOutput: true,
    },
  );
  const code = await run.exited;
  return { code: code ?? -1, out: run.stdout() };
}

describe('every script answers --help and a bad option with usage, not a stack trace', function () {
  this.timeout(30_000);

  for (const name of ['fuzz.ts', 'bench.ts', 'audit-verify.ts']) {
    it(`${name}: --help prints usage and exits 0; an unknown option prints the problem and usage and exits 2`, async () => {
      const help = await script(name, ['--help']);
      expect(help.code).to.equal(0);
      expect(help.out).to.match(/^Usage: npm run /);
      const bad = await script(name, ['--no-such-option']);
      expect(bad.code).to.equal(2);
      expect(bad.out).to.include("Unknown option '--no-such-option'").and.include('Usage: npm run');
      expect(bad.out).not.to.include('    at ');
    });
  }

  it('npm start -- --help prints usage and starts nothing', async () => {
    const start = startProcessGroup(
      process.execPath,
      [new URL('../../provider/main.ts', import.meta.url).pathname, '--help'],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(await start.exited).to.equal(0);
    expect(start.stdout())
      .to.match(/^Usage: npm start/)
      .and.include('--fresh');
  });

  it('fuzz.ts: a bad --count value is a usage error', async () => {
    const bad = await script('fuzz.ts', ['--count', 'lots']);
    expect(bad.code).to.equal(2);
    expect(bad.out).to.include('--count must be').and.include('Usage:');
  });

  it('the admin CLI exits 2 for a configuration problem, as docs/admin.md says', async () => {
    const noDatabase = await runAdminWith({}, ['clients', 'list']);
    expect(noDatabase.code).to.equal(2);
    expect(noDatabase.stderr).to.include('MONGODB_URI is not set');
    const badVariable = await runAdminWith({ MONGODB_URI: 'postgres://nope' }, ['clients', 'list']);
    expect(badVariable.code).to.equal(2);
    expect(badVariable.stderr).to.include('MONGODB_URI');
  });
});
