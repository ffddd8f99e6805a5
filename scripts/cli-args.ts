import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The options of an npm script, with `--help`: usage on --help (exit 0), and on an unknown
 * option or a bad value the problem and the usage (exit 2), never a stack trace.
 */
export function scriptArgs<T extends Options>(
  usage: string,
  options: T,
  check?: (values: ReturnType<typeof parseArgs<{ options: T }>>['values']) => void,
) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } as T, strict: true });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    check?.(values);
    return values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
}
