/**
 * One image for a chat thread: every plan's risks with their 95 % intervals, and each plan's tier
 * over time (replication 0), drawn with the simulator's SVG charts and rendered to PNG with
 * resvg. Where the native renderer is missing, the SVG itself is attached.
 */
import type { Scenario } from '../../simulator/scenario/scenario.ts';
import type { Summary } from '../../simulator/report/summary.ts';
import { PALETTE, intervalChart, stepChart, type IntervalRow, type StepSeries } from '../../simulator/report/svg-chart.ts';
import type { ReplyFile } from './reply.ts';

const STYLE = 'text{font-family:"DejaVu Sans",Arial,sans-serif;font-size:11px;fill:#4b5563}.grid{stroke:#e5e7eb}.axis{stroke:#9ca3af}';
const WIDTH = 760;

function tierSeries(scenario: Scenario, summary: Summary): StepSeries[] {
  const levels = scenario.policy.tiers;
  return scenario.plans.filter((p) => summary.plans[p.name]).map((plan, i) => {
    const first = plan.from[0]!;
    const start = scenario.portfolio.numbers.find((n) => n.id === first)?.tier ?? scenario.policy.initialTier;
    const points: [number, number][] = [[0, levels.indexOf(start)]];
    for (const e of summary.plans[plan.name]!.timeline) {
      if (e.number === first && e.kind === 'tier' && levels.includes(e.to as never)) points.push([e.atHours, levels.indexOf(e.to as never)]);
    }
    return { label: plan.name, color: PALETTE[i % PALETTE.length]!, points };
  });
}

export function chartSvg(scenario: Scenario, summary: Summary): string {
  const plans = Object.entries(summary.plans);
  const rows: IntervalRow[] = plans.flatMap(([name, p]) => [
    { label: `${name}: flagged`, ...p.flaggedRisk, color: '#d97706' },
    { label: `${name}: restricted`, ...p.restrictedRisk, color: '#2563eb' },
    { label: `${name}: banned`, ...p.banRisk, color: '#dc2626' },
  ]);
  const parts: [string, string][] = [
    [`Risks with 95% intervals (${summary.replications} replications per plan)`, intervalChart({ title: 'risks', rows, width: WIDTH })],
    ['Tier over time (replication 0)', stepChart({ title: 'tier over time', levels: scenario.policy.tiers, maxHours: summary.horizonHours, series: tierSeries(scenario, summary), width: WIDTH })],
  ];
  const legend = tierSeries(scenario, summary).map((s, i) => `<rect x="${130 + i * 140}" y="0" width="12" height="12" fill="${s.color}"/><text x="${146 + i * 140}" y="10">${s.label.replace(/[<&>]/g, '')}</text>`).join('');
  let y = 28;
  let body = `<text x="12" y="18" style="font-size:14px;font-weight:bold;fill:#111827">${summary.scenario.replace(/[<&>]/g, '')} · policy ${summary.policy}</text>`;
  for (const [title, svg] of parts) {
    body += `<text x="12" y="${y + 14}" style="font-size:12px;font-weight:bold;fill:#374151">${title}</text>`;
    y += 20;
    const height = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 200);
    body += svg.replace('<svg ', `<svg x="0" y="${y}" `);
    y += height + 12;
  }
  body += `<g transform="translate(0,${y})">${legend}</g>`;
  y += 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}"><style>${STYLE}</style><rect width="100%" height="100%" fill="#ffffff"/>${body}</svg>`;
}

/** PNG when resvg loads (it ships a native binary per platform), else the SVG. */
export async function chartFile(scenario: Scenario, summary: Summary, name: string): Promise<ReplyFile> {
  const svg = chartSvg(scenario, summary);
  const alt = `Risk intervals and tier over time for ${Object.keys(summary.plans).join(', ')}`;
  try {
    const { Resvg } = await import('@resvg/resvg-js');
    const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'width', value: WIDTH * 2 } }).render().asPng();
    return { name: `${name}.png`, title: `${summary.scenario}: simulated risk`, mime: 'image/png', content: Buffer.from(png), altText: alt };
  } catch {
    return { name: `${name}.svg`, title: `${summary.scenario}: simulated risk`, mime: 'image/svg+xml', content: svg, altText: alt };
  }
}
