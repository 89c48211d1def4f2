/**
 * The preflight's risk: a small scenario built from the real state (the chosen numbers' tiers,
 * quality and status, the eligible audience, the plan and its alternative) run through the
 * simulator's Monte Carlo. It must answer while a person waits in Slack, so the replications and
 * the horizon are capped, and large audiences spread over worker threads.
 */
import { availableParallelism } from 'node:os';
import { getPolicy, type PolicyName } from '../../core/policy.ts';
import { TIER_LIMIT, type TierName } from '../../core/tier.ts';
import { DAY } from '../../core/time.ts';
import { runMonteCarlo } from '../../simulator/monte-carlo.ts';
import { summarize } from '../../simulator/report/summary.ts';
import { parseScenario } from '../../simulator/scenario/parse-scenario.ts';
import type { PlanSpec, Scenario } from '../../simulator/scenario/scenario.ts';
import type { RiskEstimate, RiskEstimator, RiskInput } from './ports.ts';

export interface SimulatorRiskOptions {
  readonly policy: PolicyName;
  /** Replications per plan (default 60: enough to tell 0 % from 40 %, fast enough to wait for). */
  readonly replications?: number;
  readonly seed?: number;
  /** Longest horizon simulated, in days (default 21). */
  readonly maxHorizonDays?: number;
  /** Sends simulated per thread before workers are worth starting (default 150,000). */
  readonly sendsPerThread?: number;
}

/** The scenario the preflight runs; exported for tests and for `simulate`-style reuse. */
export function preflightScenario(input: RiskInput, options: SimulatorRiskOptions): Scenario {
  const policy = getPolicy(options.policy);
  const horizonDays = Math.max(1, Math.min(options.maxHorizonDays ?? 21, Math.ceil(input.horizonDays)));
  const ids = input.numbers.map((_, i) => `n${i + 1}`);
  const yaml = [
    'name: preflight',
    `policy: ${policy.name}`,
    `seed: ${options.seed ?? 1}`,
    `replications: ${options.replications ?? 60}`,
    `horizon: ${horizonDays}d`,
    'portfolio:',
    '  numbers:',
    ...input.numbers.map((u, i) => `    - { id: ${ids[i]}, role: campaign, tier: ${tierUnder(u.number.tier, policy.tiers, policy.initialTier)}, quality: ${u.number.quality}, status: ${u.number.status} }`),
    'audience:',
    '  segments:',
    `    - { name: recipients, size: ${Math.max(1, Math.round(input.recipients))}, optIn: ${input.optIn} }`,
    'plans:',
    `  placeholder: { from: ${ids[0]}, schedule: { kind: burst } }`,
  ].join('\n');
  const parsed = parseScenario(yaml, 'preflight');
  if (!parsed.ok) throw new Error(`preflight scenario: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const plans: PlanSpec[] = input.plans.map((p) => ({ name: safeName(p.name), from: ids, schedule: p.schedule, template: parsed.scenario.templates[0]!.name, segments: ['recipients'] }));
  return { ...parsed.scenario, plans };
}

/** A tier the policy knows: the number's own, else the highest the policy has at or below its limit. */
function tierUnder(tier: TierName, tiers: readonly TierName[], initial: TierName): TierName {
  if (tiers.includes(tier)) return tier;
  const below = tiers.filter((t) => TIER_LIMIT[t] <= TIER_LIMIT[tier]);
  return below.at(-1) ?? initial;
}

const safeName = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]/, 'p');

export class SimulatorRisk implements RiskEstimator {
  constructor(private readonly options: SimulatorRiskOptions) {}

  async estimate(input: RiskInput): Promise<RiskEstimate> {
    const started = performance.now();
    const scenario = preflightScenario(input, this.options);
    const sends = input.recipients * scenario.plans.length * scenario.replications;
    const perThread = this.options.sendsPerThread ?? 150_000;
    const workers = Math.max(1, Math.min(availableParallelism(), Math.ceil(sends / perThread)));
    const run = await runMonteCarlo(scenario, { workers });
    const summary = summarize(scenario, run.results);
    const plans = input.plans.map((p) => {
      const s = summary.plans[safeName(p.name)]!;
      return { plan: p.name, flagged: s.flaggedRisk, restricted: s.restrictedRisk, banned: s.banRisk, delivered: s.delivered.mean };
    });
    return { plans, replications: run.replications, horizonDays: scenario.horizon / DAY, elapsedMs: performance.now() - started, seed: scenario.seed };
  }
}
