import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { keepEmbeddedPort, keptEmbeddedPort } from '../../provider/dev-data/embedded-port.ts';
import { freePort } from '../../scripts/free-port.ts';

describe('embedded database port of a kept data folder', () => {
  const folder = () => mkdtempSync(join(tmpdir(), 'meshid-port-'));

  it('reuses the remembered port while it is free', async () => {
    const dir = folder();
    const port = await freePort();
    await keepEmbeddedPort(dir, `mongodb://127.0.0.1:${port}/`);
    expect(await keptEmbeddedPort(dir)).to.equal(port);
  });

  it('takes any port (0) when the remembered one is taken, unknown, or nothing is kept', async () => {
    const dir = folder();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as { port: number };
      await keepEmbeddedPort(dir, `mongodb://127.0.0.1:${port}/`);
      expect(await keptEmbeddedPort(dir)).to.equal(0);
    } finally {
      busy.close();
    }
    expect(await keptEmbeddedPort(folder())).to.equal(0);
    expect(await keptEmbeddedPort(undefined)).to.equal(0);
    const garbled = folder();
    writeFileSync(join(garbled, 'database-port'), 'not a port\n');
    expect(await keptEmbeddedPort(garbled)).to.equal(0);
  });
});
