/**
 * seed-examples.yaml reproduces seed 001's worked examples to the minute, read from the `--json`
 * timeline exactly as a user (or CI) would read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../core/index.ts';
import { runCli } from '../../simulator/cli/run-cli.ts';
import { parseScenario } from '../../simulator/scenario/parse-scenario.ts';
import type { TimelineItem } from '../../simulator/report/summary.ts';

const FILE = join(import.meta.dirname, '../../scenarios/seed-examples.yaml');

interface Json {
  readonly plans: Record<string, { readonly timeline: readonly TimelineItem[]; readonly delivered: { readonly mean: number } }>;
}

async function runJson(): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runCli(['run', FILE, '--json', '--workers', '1'], { stdout: { write: (t: string) => (text += t) }, stderr: { write: () => true } });
  return { code, text };
}

let json: Json;
let text: string;
beforeAll(async () => {
  const run = await runJson();
  expect(run.code).toBe(0);
  text = run.text;
  json = JSON.parse(text) as Json;
});

const tierChanges = (plan: string, number: string) => json.plans[plan]!.timeline.filter((e) => e.kind === 'tier' && e.number === number);

describe('seed 001 worked examples through the simulator (seed-examples.yaml)', () => {
  it('should reach TIER_10K at 15:00 on day 2, 24 h after the 500th conversation (example 1)', () => {
    expect(tierChanges('example1', 'n1')).toEqual([{ atHours: 39, at: '1d 15:00', number: 'n1', kind: 'tier', from: 'TIER_1K', to: 'TIER_10K' }]);
    expect(json.plans.example1!.delivered.mean).toBe(1000);
  });

  it('should reach TIER_10K at 19:00 on day 4 after 100, 200, 200, 300 conversations a day (example 2)', () => {
    expect(tierChanges('example2', 'n2')).toEqual([{ atHours: 91, at: '3d 19:00', number: 'n2', kind: 'tier', from: 'TIER_1K', to: 'TIER_10K' }]);
    expect(json.plans.example2!.delivered.mean).toBe(800);
  });

  it("should take a new number from TIER_250 to TIER_1K 24 h after its 125th conversation (FAQ)", () => {
    const parsed = parseScenario(readFileSync(FILE, 'utf8'), 'seed-examples');
    if (!parsed.ok) throw new Error('seed-examples.yaml does not parse');
    const faq = parsed.scenario.plans.find((p) => p.name === 'faq')!;
    if (faq.schedule.kind !== 'script') throw new Error('faq is scripted');
    const sends = faq.schedule.sends;
    expect(sends.reduce((n, s) => n + s.count, 0)).toBe(125);
    const last = sends[sends.length - 1]!;
    expect(last).toEqual({ at: 4 * DAY + 18.5 * HOUR, count: 1, over: 0 });
    expect(tierChanges('faq', 'n3')).toEqual([{ atHours: (last.at + DAY) / HOUR, at: '5d 18:30', number: 'n3', kind: 'tier', from: 'TIER_250', to: 'TIER_1K' }]);
    expect(json.plans.faq!.delivered.mean).toBe(125);
  });

  it('should print the same bytes on a second run', async () => {
    expect((await runJson()).text).toBe(text);
  });
});
