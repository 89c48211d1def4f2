/**
 * One replication of one plan: the world models (audience, Meta's platform, the sender) on a fresh
 * engine seeded from the scenario's seed and the replication's index, run to the horizon.
 * Replication i of a scenario always uses `replicationSeed(scenario.seed, i)`, so any one of them
 * can be re-run alone and gives the same result.
 */
import { invalidArgument } from '../core/errors.ts';
import { HOUR, type QualityRating, type TierName } from '../core/index.ts';
import { mixSeed } from './engine/random.ts';
import { Simulation } from './engine/simulation.ts';
import { Audience } from './model/audience.ts';
import { Platform } from './model/platform.ts';
import { Recorder } from './model/recorder.ts';
import type { RunnerCampaignOptions } from './model/runner-campaign.ts';
import { RunnerSender } from './model/runner-sender.ts';
import { Sender } from './model/sender.ts';
import type { PlanSender, ReplicationResult, Scenario, SentMessage } from './scenario/scenario.ts';

export interface ReplicationOptions {
  /** Keep the hourly series (charts). */
  readonly series?: boolean;
  /** Keep every send request in order (`result.sends`). */
  readonly sends?: boolean;
  /** Who sends, over the plan's `sender` (default `planner`). */
  readonly sender?: PlanSender;
  /** For a runner-driven plan: the campaign's id, runner options, message, sequence (tests). */
  readonly campaign?: RunnerCampaignOptions;
}

/** The engine seed of replication `i` (0-based) of a scenario seeded `seed`. */
export function replicationSeed(seed: number, i: number): number {
  return mixSeed(seed, i);
}

export function runReplication(scenario: Scenario, planName: string, replication: number, options: ReplicationOptions = {}): ReplicationResult {
  const plan = scenario.plans.find((p) => p.name === planName);
  if (!plan) throw invalidArgument('plan', `${JSON.stringify(planName)} is not in the scenario; expected one of ${scenario.plans.map((p) => p.name).join(', ')}`);
  if (!(Number.isInteger(replication) && replication >= 0)) throw invalidArgument('replication', `got ${replication}, expected a whole number >= 0`);
  const seed = replicationSeed(scenario.seed, replication);
  const sim = new Simulation({ seed, start: scenario.start });
  const params = scenario.params;
  const recorder = new Recorder(scenario.start, options.series === true);
  const audience = new Audience(scenario.audience.segments, params, sim.random('recipients'));
  const platform = new Platform(sim, scenario, plan, params, recorder, audience);
  let sends: SentMessage[] | undefined;
  let sender: { start(): void };
  if ((options.sender ?? plan.sender ?? 'planner') === 'runner') {
    const runner = new RunnerSender(sim, scenario, plan, params, platform, recorder, { record: options.sends === true, ...(options.campaign && { campaign: options.campaign }) });
    sends = runner.sends;
    sender = runner;
  } else {
    const planner = new Sender(sim, scenario, plan, params, platform, audience);
    if (options.sends) planner.sends = sends = [];
    sender = planner;
  }
  platform.start();
  sender.start();
  const end = scenario.start + scenario.horizon;
  if (recorder.series) scheduleSeries(sim, scenario, platform, recorder, end);
  sim.run({ until: end });

  return {
    plan: plan.name,
    replication,
    seed,
    banned: recorder.banned,
    flagged: recorder.flagged,
    restricted: recorder.restricted,
    tierReachedAt: recorder.tierReachedAt,
    timeline: recorder.sortedTimeline(),
    counts: recorder.finalCounts(),
    ...(recorder.series && { series: recorder.series }),
    enforcement: { ...recorder.tally },
    events: sim.eventsProcessed,
    ...(sends && { sends }),
  };
}

function scheduleSeries(sim: Simulation, scenario: Scenario, platform: Platform, recorder: Recorder, end: number): void {
  const books = platform.books;
  const ids = scenario.portfolio.numbers.map((n) => n.id);
  let hour = 0;
  const close = (s: Simulation) => {
    const tiers: Record<string, TierName> = {};
    const quality: Record<string, QualityRating> = {};
    ids.forEach((id, n) => {
      tiers[id] = books.tierOf(n);
      quality[id] = books.quality[n]!;
    });
    recorder.hour(hour++, tiers, quality);
    if (s.now + HOUR <= end) s.schedule(HOUR, close);
  };
  sim.at(scenario.start + HOUR, close);
}
