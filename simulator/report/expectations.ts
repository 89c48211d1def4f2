/**
 * A scenario's `expect` entries checked against a run, for `wa-sim check` in CI. Each compares the
 * point estimate (the interval is printed next to it): a CI gate should fail on what the
 * simulation predicts, not on how few replications it was given.
 * - max-ban-risk / max-flag-risk: P(ban) / P(flagged) <= the bound.
 * - reach-tier: the median replication reaches the tier within the time (at least half of them).
 * - min-delivered: the mean number of messages delivered is at least the count.
 */
import { DAY } from '../../core/index.ts';
import type { Expectation, ReplicationResult, Scenario } from '../scenario/scenario.ts';
import type { PlanSummary } from './summary.ts';
import { timeToTier } from './tier-timing.ts';
import type { Interval } from './statistics.ts';

export interface ExpectationResult {
  readonly plan: string;
  readonly kind: Expectation['kind'];
  /** The expectation as a person would say it: "P(ban) <= 0.05". */
  readonly expected: string;
  /** What the run found, in the same terms. */
  readonly actual: string;
  readonly ok: boolean;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const risk = (i: Interval) => `${pct(i.p)} (95 % CI ${pct(i.lo)}–${pct(i.hi)})`;
const days = (ms: number) => `${Number((ms / DAY).toFixed(2))} days`;

export function checkExpectation(
  scenario: Scenario,
  e: Expectation,
  summary: PlanSummary | undefined,
  results: readonly ReplicationResult[],
): ExpectationResult {
  const base = { plan: e.plan, kind: e.kind };
  if (!summary) return { ...base, expected: e.kind, actual: 'the plan was not run', ok: false };
  switch (e.kind) {
    case 'max-ban-risk':
      return { ...base, expected: `P(ban) <= ${pct(e.p)}`, actual: `P(ban) = ${risk(summary.banRisk)}`, ok: summary.banRisk.p <= e.p };
    case 'max-flag-risk':
      return { ...base, expected: `P(flagged) <= ${pct(e.p)}`, actual: `P(flagged) = ${risk(summary.flaggedRisk)}`, ok: summary.flaggedRisk.p <= e.p };
    case 'reach-tier': {
      const plan = scenario.plans.find((p) => p.name === e.plan)!;
      const within = results.filter((r) => {
        const t = timeToTier(plan, r, e.tier);
        return t !== undefined && t <= e.within;
      }).length;
      const share = results.length === 0 ? 0 : within / results.length;
      return {
        ...base,
        expected: `${e.tier} within ${days(e.within)} (in at least half the replications)`,
        actual: `reached within ${days(e.within)} in ${within} of ${results.length} replications (${pct(share)})`,
        ok: results.length > 0 && share >= 0.5,
      };
    }
    case 'min-delivered':
      return {
        ...base,
        expected: `mean delivered >= ${e.count}`,
        actual: `mean delivered = ${Number(summary.delivered.mean.toFixed(1))} (95 % CI ${Number(summary.delivered.lo.toFixed(1))}–${Number(summary.delivered.hi.toFixed(1))})`,
        ok: summary.delivered.mean >= e.count,
      };
  }
}

export function checkExpectations(
  scenario: Scenario,
  plans: Readonly<Record<string, PlanSummary>>,
  resultsByPlan: ReadonlyMap<string, readonly ReplicationResult[]>,
): ExpectationResult[] {
  // Expectations about plans left out of the run (`--plan`) are not checked.
  return scenario.expect.filter((e) => plans[e.plan] !== undefined).map((e) => checkExpectation(scenario, e, plans[e.plan], resultsByPlan.get(e.plan) ?? []));
}
