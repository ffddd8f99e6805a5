/** Prints a result as JSON (`--json`, for scripts) or as aligned text for people. */
export function print(value: unknown, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      process.stdout.write('(none)\n');
      return;
    }
    const rows = value as Record<string, unknown>[];
    const columns = Object.keys(rows[0]!);
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
    const line = (cells: string[]) =>
      cells
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    process.stdout.write(
      `${line(columns)}\n${rows.map((r) => line(columns.map((c) => String(r[c] ?? '')))).join('\n')}\n`,
    );
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      process.stdout.write(`${key}: ${typeof field === 'object' ? JSON.stringify(field) : String(field)}\n`);
    }
    return;
  }
  process.stdout.write(`${String(value)}\n`);
}
