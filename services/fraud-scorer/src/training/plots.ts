import sharp from 'sharp';

/** A line on a chart: points in data coordinates. */
export interface Series {
  readonly label: string;
  readonly colour: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly dashed?: boolean;
}

export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  /** Draw the y = x diagonal (ROC chance line). */
  readonly diagonal?: boolean;
  /** Legend corner. */
  readonly legend?: 'bottom-right' | 'bottom-left' | 'top-right';
}

export const COLOURS = { gnn: '#1f6feb', baseline: '#d9822b', grey: '#8b949e', loss: '#cf222e' } as const;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(Math.abs(v) < 1 ? (Math.abs(v * 100 - Math.round(v * 100)) < 1e-6 ? 2 : 3) : 1));

/** Keeps a curve's shape with at most `max` points (curves over 10k scores make heavy SVGs). */
export function thin<T>(points: readonly T[], max = 600): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}

/** One chart as an SVG group of `width` x `height`, translated to (ox, oy). */
export function chartSvg(spec: ChartSpec, width: number, height: number, ox = 0, oy = 0): string {
  const m = { left: 56, right: 16, top: 34, bottom: 46 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = spec.x ?? [Math.min(...xs), Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs)];
  const [rawY0, rawY1] = spec.y ?? [Math.min(0, ...ys), Math.max(...ys) * 1.05 || 1];
  // Round the y range out to a 1/2/2.5/5 x 10^k step, so ticks read 0.1, 0.2, ... not 0.099, 0.198.
  const raw = (rawY1 - rawY0) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const yStep = ([1, 2, 2.5, 5, 10].find((k) => k * mag >= raw - 1e-12) ?? 10) * mag;
  const y0 = Math.floor(rawY0 / yStep + 1e-9) * yStep;
  const y1 = Math.ceil(rawY1 / yStep - 1e-9) * yStep;
  const yTicks = Math.round((y1 - y0) / yStep);
  const sx = (v: number): number => m.left + ((v - x0) / (x1 - x0)) * w;
  const sy = (v: number): number => m.top + h - ((v - y0) / (y1 - y0)) * h;
  const parts: string[] = [`<g transform="translate(${ox},${oy})" font-family="DejaVu Sans, sans-serif">`];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(spec.title)}</text>`);
  // Whole-number axes (epochs) get whole-number ticks.
  const integral = xs.every(Number.isInteger) && x1 - x0 <= 50;
  const step = integral ? Math.max(1, Math.ceil((x1 - x0) / 8)) : (x1 - x0) / 5;
  for (let vx = x0; vx <= x1 + 1e-9; vx += step) {
    parts.push(`<line x1="${sx(vx)}" y1="${m.top}" x2="${sx(vx)}" y2="${m.top + h}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(vx)}" y="${m.top + h + 16}" text-anchor="middle" font-size="11">${fmt(vx)}</text>`);
  }
  for (let i = 0; i <= yTicks; i++) {
    const vy = y0 + yStep * i;
    parts.push(`<line x1="${m.left}" y1="${sy(vy)}" x2="${m.left + w}" y2="${sy(vy)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${sy(vy) + 4}" text-anchor="end" font-size="11">${fmt(vy)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${esc(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14,${m.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(spec.yLabel)}</text>`);
  if (spec.diagonal) parts.push(`<line x1="${sx(x0)}" y1="${sy(y0)}" x2="${sx(x1)}" y2="${sy(y1)}" stroke="${COLOURS.grey}" stroke-dasharray="4 4"/>`);
  for (const s of spec.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
    if (s.points.length <= 40) for (const p of s.points) parts.push(`<circle cx="${sx(p[0])}" cy="${sy(p[1])}" r="3" fill="${s.colour}"/>`);
  }
  const corner = spec.legend ?? 'bottom-right';
  const lx = corner === 'bottom-left' ? m.left + 10 : m.left + w - 240;
  const ly = corner === 'top-right' ? m.top + 10 : m.top + h - 10 - 18 * spec.series.length;
  spec.series.forEach((s, i) => {
    parts.push(`<line x1="${lx}" y1="${ly + 18 * i + 9}" x2="${lx + 20}" y2="${ly + 18 * i + 9}" stroke="${s.colour}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
    parts.push(`<text x="${lx + 26}" y="${ly + 18 * i + 13}" font-size="11">${esc(s.label)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}

/** Several charts side by side in one SVG document. */
export function panelSvg(charts: readonly ChartSpec[], chartWidth = 460, chartHeight = 380): string {
  const width = chartWidth * charts.length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${chartHeight}" viewBox="0 0 ${width} ${chartHeight}">${charts.map((c, i) => chartSvg(c, chartWidth, chartHeight, i * chartWidth, 0)).join('')}</svg>`;
}

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}
