import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/index.ts';
import { runMonteCarlo } from '../../simulator/monte-carlo.ts';
import { parseScenario } from '../../simulator/scenario/parse-scenario.ts';
import type { Scenario } from '../../simulator/scenario/scenario.ts';

const parsed = parseScenario(`policy: meta-2025-10
seed: 11
replications: 3
horizon: 3d
portfolio:
  numbers:
    - { id: a, tier: TIER_250 }
audience:
  segments:
    - { name: all, size: 800 }
plans:
  slow: { from: a, schedule: { kind: ramp, start: 40, growth: 1.5, cap: 250 } }
  fast: { from: a, schedule: { kind: burst } }
`, 'mc');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const scenario: Scenario = parsed.scenario;

describe('Monte Carlo driver', () => {
  it('should give the same results in worker threads as in this thread', async () => {
    const here = await runMonteCarlo(scenario, { workers: 1 });
    const threads = await runMonteCarlo(scenario, { workers: 2 });
    expect(here.results.map((r) => `${r.plan}#${r.replication}`)).toEqual(['slow#0', 'slow#1', 'slow#2', 'fast#0', 'fast#1', 'fast#2']);
    expect(threads.results).toEqual(here.results);
  });

  it('should run only the plans asked for, with their replication seeds independent of the others', async () => {
    const all = await runMonteCarlo(scenario, { workers: 1, replications: 2 });
    const fast = await runMonteCarlo(scenario, { workers: 1, replications: 2, plans: ['fast'] });
    expect(fast.results).toEqual(all.results.filter((r) => r.plan === 'fast'));
  });

  it('should refuse bad options with a message that says what to pass', async () => {
    await expect(runMonteCarlo(scenario, { replications: 0 })).rejects.toThrow(CoreError);
    await expect(runMonteCarlo(scenario, { workers: 1.5 })).rejects.toThrow('runMonteCarlo: workers must be a whole number >= 1, got 1.5');
    await expect(runMonteCarlo(scenario, { plans: ['medium'] })).rejects.toThrow('no plan named "medium", expected one of slow, fast');
  });
});
