import { createInterface } from 'node:readline';

/**
 * A password from standard input: piped (`echo … | npm run admin -- users add …`) or typed at a
 * prompt that does not echo. Never from the command line, where it would land in shell history
 * and the process list.
 */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += chunk;
    return data.replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const muted = rl as unknown as { _writeToOutput(text: string): void };
  process.stdout.write(prompt);
  muted._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}
