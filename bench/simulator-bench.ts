/**
 * Simulator benchmarks: one replication of warm-up vs burst on a 200,000-recipient audience over
 * 30 days; many replications across worker threads; peak memory with a million recipients (in a
 * child process, so its resident set is its own).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScenario, runMonteCarlo, runReplication, type Scenario } from '../simulator/index.ts';

export function scenarioFrom(yaml: string, name: string): Scenario {
  const parsed = parseScenario(yaml, name);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return parsed.scenario;
}

/** The shipped warm-up vs burst scenario with a larger audience (and optionally an established number). */
export function bigWarmupVsBurst(size: number, tier = 'TIER_250'): Scenario {
  const text = readFileSync(new URL('../scenarios/warmup-vs-burst.yaml', import.meta.url), 'utf8')
    .replace(/size: \d+/, `size: ${size}`)
    .replace(/tier: TIER_250/, `tier: ${tier}`)
    .replace(/cap: 400/, tier === 'TIER_250' ? 'cap: 400' : 'cap: 20000')
    .replace(/start: 50,/, tier === 'TIER_250' ? 'start: 50,' : 'start: 2000,');
  return scenarioFrom(text, `warmup-vs-burst-${size}-${tier}`);
}

export interface ReplicationTiming {
  readonly label: string;
  readonly plan: string;
  readonly seconds: number;
  readonly sent: number;
  readonly events: number;
}

export function timeOneReplication(scenario: Scenario, label: string): ReplicationTiming[] {
  return scenario.plans.map((p) => {
    runReplication(scenario, p.name, 99); // warm the JIT on this plan
    const started = performance.now();
    const r = runReplication(scenario, p.name, 0);
    return { label, plan: p.name, seconds: (performance.now() - started) / 1000, sent: r.counts.sent, events: r.events };
  });
}

export async function timeManyReplications(replicationsPerPlan: number, workers: number): Promise<{ replications: number; seconds: number; workers: number }> {
  const scenario = scenarioFrom(readFileSync(new URL('../scenarios/warmup-vs-burst.yaml', import.meta.url), 'utf8'), 'warmup-vs-burst');
  const started = performance.now();
  const run = await runMonteCarlo(scenario, { replications: replicationsPerPlan, workers });
  return { replications: run.results.length, seconds: (performance.now() - started) / 1000, workers };
}

/** Peak resident memory of one replication with `size` recipients, measured in a fresh process. */
export function peakMemoryMb(size: number, tier: string): { mb: number; sent: number } {
  const script = fileURLToPath(new URL('./sim-memory.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, String(size), tier], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { mb: number; sent: number };
}
