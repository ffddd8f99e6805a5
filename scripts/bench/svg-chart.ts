/** One line of a chart: a name and its points (x: connections, y: the measured value). */
interface Series {
  name: string;
  points: { x: number; y: number }[];
}

const WIDTH = 560;
const HEIGHT = 320;
const PAD = { left: 64, right: 16, top: 36, bottom: 48 };
const COLOURS = ['#2457c5', '#b3261e', '#2e7d32', '#6a1b9a'];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round number at or above `value` for the top of the axis (1, 2 or 5 times a power of ten). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * A small standalone SVG line chart (no library): x is the number of connections on a log scale,
 * y starts at zero. Written by the bench next to docs/BENCHMARKS.md.
 */
export function lineChart(title: string, yLabel: string, series: Series[]): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const yMax = niceCeiling(Math.max(...series.flatMap((s) => s.points.map((p) => p.y)), 0));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const logMin = Math.log10(xs[0] ?? 1);
  const logSpan = Math.max(Math.log10(xs.at(-1) ?? 10) - logMin, 1e-9);
  const xAt = (x: number) => PAD.left + ((Math.log10(x) - logMin) / logSpan) * plotW;
  const yAt = (y: number) => PAD.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="20" font-size="14" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const value = (yMax / 4) * i;
    const y = yAt(value);
    parts.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${Math.round(value)}</text>`,
    );
  }
  for (const x of xs)
    parts.push(`<text x="${xAt(x)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${x}</text>`);
  parts.push(
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">connections</text>`,
    `<text x="14" y="${PAD.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${PAD.top + plotH / 2})">${escapeXml(yLabel)}</text>`,
  );
  series.forEach((s, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const points = [...s.points].sort((a, b) => a.x - b.x);
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${xAt(p.x).toFixed(1)},${yAt(p.y).toFixed(1)}`).join(' ')}"/>`,
      ...points.map((p) => `<circle cx="${xAt(p.x).toFixed(1)}" cy="${yAt(p.y).toFixed(1)}" r="3" fill="${colour}"/>`),
      `<text x="${WIDTH - PAD.right - 150}" y="${PAD.top + 14 + index * 16}" fill="${colour}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
