/**
 * `--html`: one self-contained page (inline CSS and SVG, no scripts, no external assets) with,
 * per plan, replication 0's tier, status and quality over time per number and its sends per hour,
 * and every plan's risks with their 95 % intervals side by side.
 */
import type { PlanSpec, ReplicationResult, Scenario, TimelineKind } from '../scenario/scenario.ts';
import type { PlanSummary, Summary } from './summary.ts';
import { barChart, esc, intervalChart, PALETTE, stepChart, type IntervalRow, type StepSeries } from './svg-chart.ts';

const QUALITY_LEVELS = ['LOW', 'UNKNOWN', 'MEDIUM', 'HIGH'];
const QUALITY_BANDS = ['#fde2e2', '#f1f1f1', '#fdf3d7', '#dcf5e6'];
const STATUS_ORDER = ['BANNED', 'DISCONNECTED', 'RESTRICTED', 'RATE_LIMITED', 'FLAGGED', 'CONNECTED'];
const RISK_COLORS = { ban: '#dc2626', flagged: '#d97706', restricted: '#2563eb' };

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The holders whose changes are drawn: the plan's numbers, then any other holder that changed. */
function holders(plan: PlanSpec, summary: PlanSummary): string[] {
  return [...new Set([...plan.from, ...summary.timeline.map((e) => e.number)])];
}

/** One step series per holder from its starting value and replication 0's changes of `kind`. */
function stepsOf(scenario: Scenario, plan: PlanSpec, summary: PlanSummary, kind: TimelineKind, levels: readonly string[]): StepSeries[] {
  const initial = (id: string): string | undefined => {
    const n = scenario.portfolio.numbers.find((x) => x.id === id);
    const first = summary.timeline.find((e) => e.number === id && e.kind === kind);
    if (first) return first.from;
    if (!n) return undefined;
    return kind === 'tier' ? n.tier : kind === 'quality' ? n.quality : n.status;
  };
  return holders(plan, summary).flatMap((id, i) => {
    const start = initial(id);
    if (start === undefined || !levels.includes(start)) return [];
    const points: [number, number][] = [[0, levels.indexOf(start)]];
    for (const e of summary.timeline) {
      if (e.number === id && e.kind === kind && levels.includes(e.to)) points.push([e.atHours, levels.indexOf(e.to)]);
    }
    return [{ label: id, color: PALETTE[i % PALETTE.length]!, points }];
  });
}

function legend(series: readonly StepSeries[]): string {
  return `<p class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.label)}</span>`).join('')}</p>`;
}

function planSection(scenario: Scenario, plan: PlanSpec, summary: PlanSummary, first: ReplicationResult | undefined, maxHours: number): string {
  const tiers = stepsOf(scenario, plan, summary, 'tier', scenario.policy.tiers);
  const quality = stepsOf(scenario, plan, summary, 'quality', QUALITY_LEVELS);
  const statusSeen = new Set(['CONNECTED', ...summary.timeline.filter((e) => e.kind === 'status').flatMap((e) => [e.from, e.to])]);
  const statusLevels = [...STATUS_ORDER.filter((s) => statusSeen.has(s)), ...[...statusSeen].filter((s) => !STATUS_ORDER.includes(s))];
  const status = stepsOf(scenario, plan, summary, 'status', statusLevels);
  const sends = first?.series
    ? barChart({ title: `${plan.name}: messages sent per hour (replication 0)`, maxHours, bars: first.series.map((p) => [p.hour, p.sends] as const), color: '#2563eb', unit: 'a hour' })
    : '<p class="note">No hourly series was recorded for this run.</p>';
  const schedule = plan.schedule.kind === 'ramp'
    ? `ramp: ${plan.schedule.start} a step, ×${plan.schedule.growth} per ${plan.schedule.step / 3_600_000} h step, up to ${plan.schedule.cap}`
    : plan.schedule.kind === 'script' ? `script: ${plan.schedule.sends.length} scripted send${plan.schedule.sends.length === 1 ? '' : 's'}` : 'burst: as much as the limit allows';
  const figures = [
    ['P(ban)', `${pct(summary.banRisk.p)} <small>[${pct(summary.banRisk.lo)}–${pct(summary.banRisk.hi)}]</small>`],
    ['P(flagged)', `${pct(summary.flaggedRisk.p)} <small>[${pct(summary.flaggedRisk.lo)}–${pct(summary.flaggedRisk.hi)}]</small>`],
    ['P(restricted)', `${pct(summary.restrictedRisk.p)} <small>[${pct(summary.restrictedRisk.lo)}–${pct(summary.restrictedRisk.hi)}]</small>`],
    ['delivered (mean)', Math.round(summary.delivered.mean).toLocaleString('en-US')],
    ['blocks (mean)', summary.blocks.toFixed(1)],
    ['reports (mean)', summary.reports.toFixed(1)],
    ['spam-limit spells (mean)', summary.enforcement.rateLimited.toFixed(1)],
    ['enforcement warnings (mean)', summary.enforcement.warnings.toFixed(1)],
  ].map(([k, v]) => `<div class="figure"><span>${k}</span><b>${v}</b></div>`).join('');
  const tierRows = Object.entries(summary.daysToTier)
    .map(([tier, t]) => `<tr><td>${tier}</td><td>${t.reached}/${summary.replications}</td><td>${t.median === null ? '—' : t.median.toFixed(2)}</td><td>${t.p10 === null ? '—' : `${t.p10.toFixed(2)}–${t.p90!.toFixed(2)}`}</td></tr>`)
    .join('');
  const timeline = summary.timeline
    .map((e) => `<tr><td>${esc(e.at)}</td><td>${esc(e.number)}</td><td>${e.kind}</td><td>${esc(e.from)} → ${esc(e.to)}</td></tr>`)
    .join('');
  return `<section>
<h2>${esc(plan.name)}</h2>
<p class="sub">from ${plan.from.map(esc).join(', ')} · ${esc(schedule)} · template ${esc(plan.template)} · segments ${plan.segments.map(esc).join(', ')}</p>
<div class="figures">${figures}</div>
<h3>Tier over time (replication 0)</h3>${stepChart({ title: `${plan.name}: tier over time`, levels: scenario.policy.tiers, maxHours, series: tiers })}${legend(tiers)}
<h3>Quality over time (replication 0)</h3>${stepChart({ title: `${plan.name}: quality over time`, levels: QUALITY_LEVELS, bands: QUALITY_BANDS, maxHours, series: quality })}${legend(quality)}
<h3>Status over time (replication 0)</h3>${stepChart({ title: `${plan.name}: status over time`, levels: statusLevels, maxHours, series: status })}${legend(status)}
<h3>Sends per hour (replication 0)</h3>${sends}
<h3>Days to tier (over ${summary.replications} replications)</h3>
<table><tr><th>tier</th><th>reached</th><th>median days</th><th>p10–p90 days</th></tr>${tierRows || '<tr><td colspan="4">no tier above the start</td></tr>'}</table>
<details><summary>Replication 0 timeline (${summary.timeline.length} change${summary.timeline.length === 1 ? '' : 's'})</summary>
<table><tr><th>at</th><th>number</th><th>kind</th><th>change</th></tr>${timeline}</table></details>
</section>`;
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;max-width:820px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #e5e7eb;padding-bottom:.3rem}h3{font-size:1rem;margin:1.4rem 0 .3rem;color:#374151}
.sub,.note{color:#6b7280}svg{display:block;max-width:100%;height:auto}svg text{font-size:11px;fill:#4b5563}
.grid{stroke:#e5e7eb}.axis{stroke:#9ca3af}.legend span{margin-right:1rem}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.figures{display:flex;flex-wrap:wrap;gap:.5rem}.figure{border:1px solid #e5e7eb;border-radius:6px;padding:.4rem .7rem}.figure span{display:block;color:#6b7280;font-size:12px}
table{border-collapse:collapse;margin:.3rem 0}td,th{border-bottom:1px solid #e5e7eb;padding:.2rem .7rem;text-align:left}small{color:#6b7280;font-weight:normal}
.pass{color:#059669}.fail{color:#dc2626}`;

export function htmlReport(scenario: Scenario, summary: Summary, results: readonly ReplicationResult[]): string {
  const maxHours = summary.horizonHours;
  const plans = scenario.plans.filter((p) => summary.plans[p.name]);
  const riskRows: IntervalRow[] = plans.flatMap((p) => {
    const s = summary.plans[p.name]!;
    return [
      { label: `${p.name} · P(ban)`, ...s.banRisk, color: RISK_COLORS.ban },
      { label: `${p.name} · P(flagged)`, ...s.flaggedRisk, color: RISK_COLORS.flagged },
      { label: `${p.name} · P(restricted)`, ...s.restrictedRisk, color: RISK_COLORS.restricted },
    ];
  });
  const expectations = summary.expect.length === 0 ? '' : `<h2>Expectations</h2><ul>${summary.expect
    .map((e) => `<li class="${e.ok ? 'pass' : 'fail'}">${e.ok ? 'PASS' : 'FAIL'} ${esc(e.plan)}: ${esc(e.expected)} — ${esc(e.actual)}</li>`).join('')}</ul>`;
  const sections = plans
    .map((p) => planSection(scenario, p, summary.plans[p.name]!, results.find((r) => r.plan === p.name && r.replication === 0), maxHours))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(summary.scenario)} · wa-sim</title><style>${STYLE}</style></head>
<body>
<h1>${esc(summary.scenario)}</h1>
<p class="sub">policy ${esc(summary.policy)} · seed ${summary.seed} · ${summary.replications} replications per plan · horizon ${maxHours / 24} days</p>
${scenario.description ? `<p>${esc(scenario.description)}</p>` : ''}
<h2>Risk per plan</h2>
<p class="sub">Share of replications in which the number was banned, flagged or restricted within the horizon; bars are 95% Wilson intervals.</p>
${intervalChart({ title: 'Risk per plan with 95% intervals', rows: riskRows })}
${expectations}
${sections}
</body></html>
`;
}
