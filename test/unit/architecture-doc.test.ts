import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** Every folder below `dir`, as paths relative to `base` (`admin`, `admin/api`, …). */
function folders(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return [relative(base, path), ...folders(path, base)];
    });
}

/** Every source file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The collections the code names: mongoose schemas' `collection:` and direct `collection('…')` calls. */
function collectionsInCode(): string[] {
  const names = new Set<string>();
  for (const file of [...sources(join(ROOT, 'provider')), ...sources(join(ROOT, 'adapters'))]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/collection(?:<[^>]*>)?\(\s*'([a-z_]+)'|collection: '([a-z_]+)'/g))
      names.add((match[1] ?? match[2])!);
  }
  return [...names].sort();
}

/** A folder is named when the doc says `name/` (top level) or `parent/name/` (or `name/` on its parent's line). */
function named(folder: string): boolean {
  const last = folder.split('/').at(-1)!;
  return DOC.includes(`${folder}/`) || new RegExp(`(^|[\\s(\`,])${last}/`, 'm').test(DOC);
}

describe('docs/architecture.md against the tree', () => {
  it('names every folder under provider/', () => {
    const missing = folders(join(ROOT, 'provider')).filter((folder) => !named(folder));
    expect(missing, 'folders docs/architecture.md does not name').to.deep.equal([]);
  });

  it('names no top-level provider folder that does not exist', () => {
    const tree = DOC.slice(DOC.indexOf('\nprovider/'), DOC.indexOf('\nadapters/'));
    const documented = [...tree.matchAll(/^ {2}([a-z-]+)\/ /gm)].map((match) => match[1]!);
    const existing = new Set(folders(join(ROOT, 'provider')));
    expect(documented).to.not.be.empty;
    expect(
      documented.filter((folder) => !existing.has(folder)),
      'documented folders that are gone',
    ).to.deep.equal([]);
  });

  it('lists every stored collection in "Where state lives"', () => {
    const state = DOC.slice(DOC.indexOf('## Where state lives'));
    const missing = collectionsInCode().filter((name) => !state.includes(`\`${name}\``));
    expect(collectionsInCode()).to.include('accounts');
    expect(missing, 'collections the doc does not list').to.deep.equal([]);
  });
});
