import { LineCounter, parseDocument } from 'yaml';

import { asDeclaration, type Declaration, declarationProblems } from './declaration.ts';

/** A configuration file that cannot be used, with each problem as `file:line:column: message`. */
export class DeclarationError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `the configuration file has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'DeclarationError';
    this.problems = problems;
  }
}

/**
 * Parses a configuration file (YAML, or JSON, which is YAML too) and checks it, naming the line
 * and column of every problem, syntax and shape alike.
 */
export function parseDeclaration(text: string, source: string): Declaration {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const { line, col } = lines.linePos(offset ?? 0);
    return `${source}:${line}:${col}`;
  };
  if (doc.errors.length > 0)
    throw new DeclarationError(doc.errors.map((err) => `${at(err.pos[0])}: ${err.message.split('\n')[0]}`));

  const value: unknown = doc.toJS();
  const problems = declarationProblems(value);
  if (problems.length > 0) {
    throw new DeclarationError(
      problems.map((problem) => {
        // The deepest node the path reaches: the problem's own, or the mapping that lacks a key.
        let node: unknown;
        for (let depth = problem.path.length; depth >= 0 && node === undefined; depth -= 1) {
          node = depth === 0 ? doc.contents : doc.getIn(problem.path.slice(0, depth), true);
        }
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        const where = problem.path.length ? ` (${problem.path.join('.')})` : '';
        return `${at(range?.[0])}: ${problem.message}${where}`;
      }),
    );
  }
  return asDeclaration(value);
}
