/**
 * The terminal summary: one row per plan with the risks and their intervals, the days to each
 * tier, replication 0's first changes, and the expectations when the scenario has any.
 */
import { TIER_NAMES } from '../../core/index.ts';
import type { Summary } from './summary.ts';
import type { Interval } from './statistics.ts';

const TIMELINE_LINES = 10;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const risk = (i: Interval) => `${pct(i.p)} [${pct(i.lo)}–${pct(i.hi)}]`;
const num = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 1 }));

/** Columns two spaces apart: the first left-aligned, the rest right-aligned unless `left`. */
export function formatTable(rows: readonly (readonly string[])[], left = false): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) => row.map((cell, i) => (i === 0 || left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

export function summaryTable(summary: Summary): string {
  const plans = Object.entries(summary.plans);
  const out: string[] = [];
  const horizon = summary.horizonHours % 24 === 0 ? `${summary.horizonHours / 24}d` : `${summary.horizonHours}h`;
  out.push(`${summary.scenario} · policy ${summary.policy} · seed ${summary.seed} · ${summary.replications} replication${summary.replications === 1 ? '' : 's'} per plan · horizon ${horizon}`);
  out.push('');
  out.push(formatTable([
    ['plan', 'P(ban) [95% CI]', 'P(flagged) [95% CI]', 'P(restricted) [95% CI]', 'delivered', 'blocks', 'reports'],
    ...plans.map(([name, p]) => [name, risk(p.banRisk), risk(p.flaggedRisk), risk(p.restrictedRisk), num(p.delivered.mean), num(p.blocks), num(p.reports)]),
  ]));

  const reached = new Set(plans.flatMap(([, p]) => Object.entries(p.daysToTier).filter(([, t]) => t.reached > 0).map(([tier]) => tier)));
  const tiers = TIER_NAMES.filter((t) => reached.has(t));
  out.push('');
  if (tiers.length === 0) out.push('Days to tier: no plan reached a higher tier within the horizon.');
  else {
    out.push('Days to tier: median [p10–p90] (replications that reached it)');
    out.push(formatTable([
      ['plan', ...tiers],
      ...plans.map(([name, p]) => [name, ...tiers.map((tier) => {
        const t = p.daysToTier[tier];
        if (!t || t.reached === 0 || t.median === null) return '—';
        return `${t.median.toFixed(1)} [${t.p10!.toFixed(1)}–${t.p90!.toFixed(1)}] (${t.reached}/${p.replications})`;
      })]),
    ]));
  }

  for (const [name, p] of plans) {
    if (p.timeline.length === 0) continue;
    out.push('');
    out.push(`${name}, replication 0:`);
    const shown = p.timeline.slice(0, TIMELINE_LINES);
    out.push(...formatTable(shown.map((e) => [`  ${e.at}`, e.number, `${e.kind} ${e.from} → ${e.to}`]), true).split('\n'));
    if (p.timeline.length > TIMELINE_LINES) out.push(`  … ${p.timeline.length - TIMELINE_LINES} more (see --json)`);
  }

  if (summary.expect.length > 0) {
    out.push('');
    out.push('Expectations:');
    for (const e of summary.expect) out.push(`  ${e.ok ? 'PASS' : 'FAIL'}  ${e.plan}: ${e.expected}; ${e.actual}`);
  }
  return `${out.join('\n')}\n`;
}
