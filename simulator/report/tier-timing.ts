/**
 * When a plan's numbers reached each tier in one replication. Under a per-number policy the
 * holders are the plan's numbers; under a portfolio-wide one the holder may be the portfolio, so
 * when none of the plan's numbers is a key, every holder counts.
 */
import type { TierName } from '../../core/index.ts';
import type { PlanSpec, ReplicationResult, Scenario } from '../scenario/scenario.ts';

/** When the plan's numbers first reached `tier` in one replication (ms), or undefined. */
export function timeToTier(plan: PlanSpec, result: ReplicationResult, tier: TierName): number | undefined {
  const keys = Object.keys(result.tierReachedAt);
  // Under a portfolio-wide policy the holder may be the portfolio rather than a number.
  const mine = keys.filter((k) => plan.from.includes(k));
  let first: number | undefined;
  for (const key of mine.length > 0 ? mine : keys) {
    const t = result.tierReachedAt[key]?.[tier];
    if (t !== undefined && (first === undefined || t < first)) first = t;
  }
  return first;
}

/** The tiers worth timing for a plan: those above the lowest tier its numbers start at. */
export function tiersAbove(scenario: Scenario, plan: PlanSpec): TierName[] {
  const tiers = scenario.policy.tiers;
  const starts = scenario.portfolio.numbers.filter((n) => plan.from.includes(n.id)).map((n) => tiers.indexOf(n.tier));
  const lowest = starts.length > 0 ? Math.min(...starts) : 0;
  return tiers.slice(lowest + 1);
}
