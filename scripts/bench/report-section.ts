/** The generated part of docs/BENCHMARKS.md lies between these; the prose around it is hand-written. */
const SECTION_START = /<!-- bench:start[^>]*-->\n/;
const SECTION_END = '<!-- bench:end -->';

/** The document with its generated section replaced; throws when the markers are missing. */
export function replaceGeneratedSection(document: string, generated: string): string {
  const start = SECTION_START.exec(document);
  const end = document.indexOf(SECTION_END);
  if (!start || end < start.index) throw new Error('docs/BENCHMARKS.md has no bench:start / bench:end markers');
  const body = generated.endsWith('\n') ? generated : `${generated}\n`;
  return document.slice(0, start.index + start[0].length) + body + document.slice(end);
}
