/**
 * Replications → what a person decides on, per plan: the risks with their intervals, how long the
 * tiers take, what gets delivered, and replication 0's timeline. This object IS the `--json`
 * output (documented in the README), so its key order is fixed and it holds nothing that varies
 * between two runs of the same scenario and seed: no clock, no durations, no worker count.
 */
import { formatDayTime, HOUR, DAY } from '../../core/index.ts';
import type { PlanSpec, ReplicationResult, Scenario, TimelineKind } from '../scenario/scenario.ts';
import { tiersAbove, timeToTier } from './tier-timing.ts';
import { checkExpectations, type ExpectationResult } from './expectations.ts';
import { mean, meanInterval, quantile, round6, wilson, type Interval, type MeanEstimate } from './statistics.ts';

export interface TierTiming {
  /** Replications in which the tier was reached within the horizon. */
  readonly reached: number;
  /** Days from the start, over the replications that reached it (null when none did). */
  readonly median: number | null;
  readonly p10: number | null;
  readonly p90: number | null;
}

export interface TimelineItem {
  /** Simulated hours from the start (39 for "1d 15:00"). */
  readonly atHours: number;
  /** The same instant as "<days>d HH:MM", as scenario files write times. */
  readonly at: string;
  readonly number: string;
  readonly kind: TimelineKind;
  readonly from: string;
  readonly to: string;
}

export interface PlanSummary {
  readonly replications: number;
  readonly banRisk: Interval;
  readonly flaggedRisk: Interval;
  readonly restrictedRisk: Interval;
  /** Tiers above the plan's starting tier, in the policy's order. */
  readonly daysToTier: Readonly<Record<string, TierTiming>>;
  readonly delivered: MeanEstimate;
  /** Means per replication. */
  readonly sent: number;
  readonly failed: number;
  readonly pending: number;
  readonly blocks: number;
  readonly reports: number;
  readonly stops: number;
  /** Meta's actions short of a ban, means per replication. */
  readonly enforcement: {
    readonly warnings: number;
    /** Spells of blocked messaging (the ladder's middle rungs), not recipients' blocks. */
    readonly messagingBlocks: number;
    /** Spells of the spam rate limit (131048). */
    readonly rateLimited: number;
    readonly templatePauses: number;
  };
  readonly timeline: readonly TimelineItem[];
}

export interface Summary {
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  readonly replications: number;
  readonly horizonHours: number;
  readonly plans: Readonly<Record<string, PlanSummary>>;
  readonly expect: readonly ExpectationResult[];
}

const roundInterval = (i: Interval): Interval => ({ p: round6(i.p), lo: round6(i.lo), hi: round6(i.hi) });
const roundMean = (m: MeanEstimate): MeanEstimate => ({ mean: round6(m.mean), lo: round6(m.lo), hi: round6(m.hi) });

/** Results in a fixed order (plans as in the scenario, then replication), whatever produced them. */
export function orderResults(scenario: Scenario, results: readonly ReplicationResult[]): ReplicationResult[] {
  const rank = new Map(scenario.plans.map((p, i) => [p.name, i]));
  return [...results].sort((a, b) => (rank.get(a.plan) ?? Infinity) - (rank.get(b.plan) ?? Infinity) || a.replication - b.replication);
}

function tierTiming(days: number[]): TierTiming {
  if (days.length === 0) return { reached: 0, median: null, p10: null, p90: null };
  const sorted = [...days].sort((a, b) => a - b);
  return { reached: sorted.length, median: round6(quantile(sorted, 0.5)), p10: round6(quantile(sorted, 0.1)), p90: round6(quantile(sorted, 0.9)) };
}

export function summarizePlan(scenario: Scenario, plan: PlanSpec, results: readonly ReplicationResult[]): PlanSummary {
  const n = results.length;
  const count = (test: (r: ReplicationResult) => boolean) => results.reduce((k, r) => k + (test(r) ? 1 : 0), 0);
  const daysToTier: Record<string, TierTiming> = {};
  for (const tier of tiersAbove(scenario, plan)) {
    const days: number[] = [];
    for (const r of results) {
      const t = timeToTier(plan, r, tier);
      if (t !== undefined) days.push(t / DAY);
    }
    daysToTier[tier] = tierTiming(days);
  }
  const first = results.find((r) => r.replication === 0) ?? results[0];
  return {
    replications: n,
    banRisk: roundInterval(wilson(count((r) => r.banned), n)),
    flaggedRisk: roundInterval(wilson(count((r) => r.flagged), n)),
    restrictedRisk: roundInterval(wilson(count((r) => r.restricted), n)),
    daysToTier,
    delivered: roundMean(meanInterval(results.map((r) => r.counts.delivered))),
    sent: round6(mean(results.map((r) => r.counts.sent))),
    failed: round6(mean(results.map((r) => r.counts.failed))),
    pending: round6(mean(results.map((r) => r.counts.pending))),
    blocks: round6(mean(results.map((r) => r.counts.blocks))),
    reports: round6(mean(results.map((r) => r.counts.reports))),
    stops: round6(mean(results.map((r) => r.counts.stops))),
    enforcement: {
      warnings: round6(mean(results.map((r) => r.enforcement?.warnings ?? 0))),
      messagingBlocks: round6(mean(results.map((r) => r.enforcement?.blocks ?? 0))),
      rateLimited: round6(mean(results.map((r) => r.enforcement?.rateLimited ?? 0))),
      templatePauses: round6(mean(results.map((r) => r.enforcement?.templatePauses ?? 0))),
    },
    timeline: (first?.timeline ?? []).map((e) => ({ atHours: e.at / HOUR, at: formatDayTime(e.at), number: e.number, kind: e.kind, from: e.from, to: e.to })),
  };
}

/** Aggregate every plan's replications (in any order) into the report. */
export function summarize(scenario: Scenario, results: readonly ReplicationResult[]): Summary {
  const ordered = orderResults(scenario, results);
  const plans: Record<string, PlanSummary> = {};
  const byPlan = new Map<string, ReplicationResult[]>();
  for (const r of ordered) {
    const list = byPlan.get(r.plan) ?? [];
    list.push(r);
    byPlan.set(r.plan, list);
  }
  for (const plan of scenario.plans) {
    if (!byPlan.has(plan.name)) continue;
    plans[plan.name] = summarizePlan(scenario, plan, byPlan.get(plan.name)!);
  }
  const replications = Math.max(0, ...Object.values(plans).map((p) => p.replications));
  return {
    scenario: scenario.name,
    policy: scenario.policy.name,
    seed: scenario.seed,
    replications,
    horizonHours: scenario.horizon / HOUR,
    plans,
    expect: checkExpectations(scenario, plans, byPlan),
  };
}

/** The `--json` text: two-space indented, a final newline, byte-identical for the same input. */
export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
