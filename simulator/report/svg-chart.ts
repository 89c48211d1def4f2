/**
 * Small inline-SVG charts for the HTML report: step lines over categorical levels (tiers,
 * quality), bars over time (sends per hour) and points with error bars (risks). Plain strings,
 * no library and no external assets, so the report is one file that opens anywhere.
 */

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

const MARGIN = { left: 124, right: 16, top: 12, bottom: 30 };

/** Day ticks along an axis of hours: at most ~12 labels. */
function dayTicks(maxHours: number): number[] {
  const days = maxHours / 24;
  const step = [1, 2, 5, 7, 10, 14, 30, 60].find((s) => days / s <= 12) ?? Math.ceil(days / 12);
  const ticks: number[] = [];
  for (let d = 0; d <= days + 1e-9; d += step) ticks.push(d * 24);
  return ticks;
}

function frame(width: number, height: number, maxHours: number, body: string, yAxis: string, title: string, background = ''): string {
  const plotW = width - MARGIN.left - MARGIN.right;
  const x = (h: number) => MARGIN.left + (h / maxHours) * plotW;
  const bottom = height - MARGIN.bottom;
  const ticks = dayTicks(maxHours)
    .map((h) => `<line x1="${fmt(x(h))}" y1="${MARGIN.top}" x2="${fmt(x(h))}" y2="${bottom}" class="grid"/><text x="${fmt(x(h))}" y="${bottom + 16}" text-anchor="middle">${h / 24}d</text>`)
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${background}${ticks}${yAxis}${body}<line x1="${MARGIN.left}" y1="${bottom}" x2="${width - MARGIN.right}" y2="${bottom}" class="axis"/></svg>`;
}

export interface StepSeries {
  readonly label: string;
  readonly color: string;
  /** (hours, level index) from time 0, in time order; each value holds until the next. */
  readonly points: readonly (readonly [number, number])[];
}

/** Values that hold until they change (tier, quality), one line per series, levels bottom-up. */
export function stepChart(options: { title: string; levels: readonly string[]; maxHours: number; series: readonly StepSeries[]; bands?: readonly string[]; width?: number }): string {
  const width = options.width ?? 760;
  const rowH = 26;
  const height = MARGIN.top + MARGIN.bottom + rowH * options.levels.length;
  const plotW = width - MARGIN.left - MARGIN.right;
  const x = (h: number) => MARGIN.left + (Math.min(h, options.maxHours) / options.maxHours) * plotW;
  const y = (level: number) => height - MARGIN.bottom - rowH * (level + 0.5);
  const bands = options.levels
    .map((_, i) => (options.bands?.[i] ? `<rect x="${MARGIN.left}" y="${fmt(y(i) - rowH / 2)}" width="${plotW}" height="${rowH}" fill="${options.bands[i]}"/>` : ''))
    .join('');
  const yAxis = options.levels.map((name, i) => `<text x="${MARGIN.left - 8}" y="${fmt(y(i) + 4)}" text-anchor="end">${esc(name)}</text>`).join('');
  const offset = (i: number) => (i - (options.series.length - 1) / 2) * 3; // overlapping lines stay visible
  const body = options.series
    .map((s, i) => {
      let d = '';
      s.points.forEach(([h, level], k) => {
        const yy = fmt(y(level) + offset(i));
        d += k === 0 ? `M${fmt(x(h))},${yy}` : `H${fmt(x(h))}V${yy}`;
      });
      d += `H${fmt(x(options.maxHours))}`;
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"><title>${esc(s.label)}</title></path>`;
    })
    .join('');
  return frame(width, height, options.maxHours, body, yAxis, options.title, bands);
}

/** Counts per hour as bars. */
export function barChart(options: { title: string; maxHours: number; bars: readonly (readonly [number, number])[]; color: string; unit?: string; width?: number; height?: number }): string {
  const width = options.width ?? 760;
  const height = options.height ?? 160;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1, ...options.bars.map(([, v]) => v));
  const x = (h: number) => MARGIN.left + (h / options.maxHours) * plotW;
  const slot = plotW / options.maxHours;
  const barW = Math.max(1, slot > 3 ? slot - 1 : slot);
  const body = options.bars
    .filter(([, v]) => v > 0)
    .map(([h, v]) => {
      const bh = (v / max) * plotH;
      return `<rect x="${fmt(x(h))}" y="${fmt(MARGIN.top + plotH - bh)}" width="${fmt(barW)}" height="${fmt(bh)}" fill="${options.color}"><title>${h / 24 >= 1 ? `${Math.floor(h / 24)}d ` : ''}${String(h % 24).padStart(2, '0')}:00 — ${v.toLocaleString('en-US')}</title></rect>`;
    })
    .join('');
  const yAxis = `<text x="${MARGIN.left - 8}" y="${MARGIN.top + 10}" text-anchor="end">${max.toLocaleString('en-US')} ${esc(options.unit ?? '')}</text><text x="${MARGIN.left - 8}" y="${MARGIN.top + plotH}" text-anchor="end">0</text>`;
  return frame(width, height, options.maxHours, body, yAxis, options.title);
}

export interface IntervalRow {
  readonly label: string;
  readonly p: number;
  readonly lo: number;
  readonly hi: number;
  readonly color: string;
}

/** Probabilities as points with their 95 % intervals as error bars, on a 0–100 % axis. */
export function intervalChart(options: { title: string; rows: readonly IntervalRow[]; width?: number }): string {
  const width = options.width ?? 760;
  const left = 190;
  const right = 120;
  const rowH = 24;
  const height = MARGIN.top + MARGIN.bottom + rowH * options.rows.length;
  const plotW = width - left - right;
  const x = (p: number) => left + p * plotW;
  const bottom = height - MARGIN.bottom;
  let grid = '';
  for (let t = 0; t <= 1.0001; t += 0.25) {
    grid += `<line x1="${fmt(x(t))}" y1="${MARGIN.top}" x2="${fmt(x(t))}" y2="${bottom}" class="grid"/><text x="${fmt(x(t))}" y="${bottom + 16}" text-anchor="middle">${Math.round(t * 100)}%</text>`;
  }
  const body = options.rows
    .map((r, i) => {
      const cy = MARGIN.top + rowH * (i + 0.5);
      const tip = `${r.label}: ${(r.p * 100).toFixed(1)}% (95% CI ${(r.lo * 100).toFixed(1)}–${(r.hi * 100).toFixed(1)}%)`;
      return `<g><title>${esc(tip)}</title><text x="${left - 8}" y="${fmt(cy + 4)}" text-anchor="end">${esc(r.label)}</text>`
        + `<line x1="${fmt(x(r.lo))}" y1="${fmt(cy)}" x2="${fmt(x(r.hi))}" y2="${fmt(cy)}" stroke="${r.color}" stroke-width="2"/>`
        + `<line x1="${fmt(x(r.lo))}" y1="${fmt(cy - 6)}" x2="${fmt(x(r.lo))}" y2="${fmt(cy + 6)}" stroke="${r.color}" stroke-width="2"/>`
        + `<line x1="${fmt(x(r.hi))}" y1="${fmt(cy - 6)}" x2="${fmt(x(r.hi))}" y2="${fmt(cy + 6)}" stroke="${r.color}" stroke-width="2"/>`
        + `<circle cx="${fmt(x(r.p))}" cy="${fmt(cy)}" r="4.5" fill="${r.color}"/>`
        + `<text x="${fmt(x(1) + 10)}" y="${fmt(cy + 4)}">${(r.p * 100).toFixed(1)}% [${(r.lo * 100).toFixed(0)}–${(r.hi * 100).toFixed(0)}]</text></g>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(options.title)}"><title>${esc(options.title)}</title>${grid}${body}<line x1="${left}" y1="${bottom}" x2="${fmt(x(1))}" y2="${bottom}" class="axis"/></svg>`;
}
