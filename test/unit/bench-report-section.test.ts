import { expect } from 'chai';

import { replaceGeneratedSection } from '../../scripts/bench/report-section.ts';

describe('bench report: only the marked section is rewritten', () => {
  const doc =
    '# Benchmarks\n\n<!-- bench:start (generated) -->\nold figures\n<!-- bench:end -->\n\n## Analysis\nprose\n';

  it('replaces what lies between the markers and keeps the prose', () => {
    expect(replaceGeneratedSection(doc, 'new figures')).to.equal(
      '# Benchmarks\n\n<!-- bench:start (generated) -->\nnew figures\n<!-- bench:end -->\n\n## Analysis\nprose\n',
    );
  });

  it('refuses a document without markers rather than overwrite it', () => {
    expect(() => replaceGeneratedSection('# Benchmarks\nprose\n', 'x')).to.throw('markers');
  });
});
