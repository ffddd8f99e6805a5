import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

const FILE = 'database-port';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * The port the embedded database had the last time this data folder was used, if it is free
 * now; else 0 (any). A kept folder keeps its address, so the admin commands the banner printed
 * keep working after a restart.
 */
export async function keptEmbeddedPort(dir: string | undefined): Promise<number> {
  if (dir === undefined) return 0;
  const text = await readFile(join(dir, FILE), 'utf8').catch(() => '');
  const port = Number(text.trim());
  if (!Number.isInteger(port) || port < 1024 || port > 65535) return 0;
  return (await isFree(port)) ? port : 0;
}

/** Remembers the embedded database's port beside its data, for the next start. */
export async function keepEmbeddedPort(dir: string | undefined, uri: string | undefined): Promise<void> {
  const port = uri && /^mongodb:\/\/[^/:]+:(\d+)/.exec(uri)?.[1];
  if (dir === undefined || !port) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, FILE), `${port}\n`);
}
