import { expect } from 'chai';

import { lineChart, niceCeiling } from '../../scripts/bench/svg-chart.ts';

describe('bench charts (SVG, no library)', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).to.equal(1);
    expect(niceCeiling(7)).to.equal(10);
    expect(niceCeiling(12_303)).to.equal(20_000);
    expect(niceCeiling(4_100)).to.equal(5_000);
    expect(niceCeiling(200)).to.equal(200);
  });

  it('draws one line per series with a point per measurement, names escaped', () => {
    const svg = lineChart('Client credentials <JWT>', 'req/s', [
      {
        name: 'meshid',
        points: [
          { x: 1, y: 900 },
          { x: 10, y: 7900 },
          { x: 50, y: 8300 },
        ],
      },
      {
        name: 'bare & ceiling',
        points: [
          { x: 1, y: 1200 },
          { x: 10, y: 10400 },
          { x: 50, y: 12300 },
        ],
      },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.match(/<polyline /g)).to.have.length(2);
    expect(svg.match(/<circle /g)).to.have.length(6);
    expect(svg).to.include('Client credentials &lt;JWT&gt;');
    expect(svg).to.include('bare &amp; ceiling');
    expect(svg).to.not.include('NaN');
  });
});
