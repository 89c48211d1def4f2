import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, SECOND, type PlanSchedule } from '../../../core/index.ts';
import { audienceIndexOf, audienceWaId } from '../../../simulator/model/audience-wa-id.ts';
import { DEFAULT_MODEL_PARAMETERS } from '../../../simulator/model/parameters.ts';
import { runReplication } from '../../../simulator/run-replication.ts';
import { parseScenario } from '../../../simulator/scenario/parse-scenario.ts';
import type { Scenario, SentMessage } from '../../../simulator/scenario/scenario.ts';
import { makeScenario, plan, segment, SILENT } from '../make-scenario.ts';

const scriptOf = (count: number, over: number): PlanSchedule => ({ kind: 'script', sends: [{ at: 0, count, over }] });

function seedExamples(): Scenario {
  const parsed = parseScenario(readFileSync(join(import.meta.dirname, '../../../scenarios/seed-examples.yaml'), 'utf8'), 'seed-examples');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scenario;
}

/** No number ever takes more than its throughput in one second, and Meta never answers 130429. */
function keepsThroughput(sends: readonly SentMessage[], mps: number): void {
  const perSecond = new Map<string, number>();
  for (const s of sends) {
    const k = `${s.numberId}@${Math.floor(s.at / SECOND)}`;
    perSecond.set(k, (perSecond.get(k) ?? 0) + 1);
  }
  expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(mps);
  expect(sends.filter((s) => s.code === 130429)).toEqual([]);
}

describe('audience wa_ids', () => {
  it('should give each member a distinct Saudi mobile wa_id and read the member back from it', () => {
    expect(audienceWaId(0)).toBe('966510000000');
    expect(audienceWaId(20_000)).toBe('966510020000');
    for (const i of [0, 1, 19_999, 89_999_999]) expect(audienceIndexOf(audienceWaId(i))).toBe(i);
    expect(audienceIndexOf('966500000000')).toBe(-1);
    expect(() => audienceWaId(-1)).toThrow(/audience member/);
  });
});

describe('a runner-driven plan (the bot\'s CampaignRunner on the virtual clock)', () => {
  it('should make exactly the sends the planner-driven sender makes on seed 001\'s examples, with the same timeline', () => {
    const scenario = seedExamples();
    for (const p of scenario.plans) {
      const planner = runReplication(scenario, p.name, 0, { sender: 'planner', sends: true });
      const runner = runReplication(scenario, p.name, 0, { sender: 'runner', sends: true });
      expect(runner.sends).toEqual(planner.sends);
      expect(runner.timeline).toEqual(planner.timeline);
      expect(runner.counts).toEqual(planner.counts);
    }
  });

  it('should pause when Meta restricts the number, and send again only once a person resumes it a day later', () => {
    const scenario = makeScenario({
      horizon: 3 * DAY,
      numbers: [{ id: 'n1', tier: 'TIER_10K', quality: 'HIGH', status: 'CONNECTED' }],
      segments: [segment('all', 5000, SILENT)],
      plans: [plan('steady', scriptOf(4000, 2 * DAY))],
      events: [{ at: 12 * HOUR, number: 'n1', status: 'RESTRICTED' }, { at: 14 * HOUR, number: 'n1', status: 'CONNECTED' }],
    });
    const between = (sends: readonly SentMessage[], from: number, to: number) => sends.filter((s) => s.at >= from && s.at < to).length;
    const runner = runReplication(scenario, 'steady', 0, { sender: 'runner', sends: true });
    const planner = runReplication(scenario, 'steady', 0, { sender: 'planner', sends: true });
    // The planner-driven sender waits out the restriction; the runner waits for a person.
    expect(between(planner.sends!, 12 * HOUR, 14 * HOUR)).toBe(0);
    expect(between(planner.sends!, 14 * HOUR, 36 * HOUR)).toBeGreaterThan(1000);
    expect(between(runner.sends!, 12 * HOUR, 36 * HOUR)).toBe(0);
    expect(runner.sends!.find((s) => s.at >= 12 * HOUR)?.at).toBe(36 * HOUR);
    // Resumed, it catches up with the plan as fast as the number's throughput allows.
    expect(runner.sends).toHaveLength(4000);
    expect(runner.sends!.filter((s) => !s.accepted)).toEqual([]);
    keepsThroughput(runner.sends!, 80);
  });

  it('should follow a 131049 up a day or more later, and never send twice to someone not on WhatsApp', () => {
    // One marketing message a day too many for some people: a fixed few of them (silent) are capped every time.
    const params = { ...DEFAULT_MODEL_PARAMETERS, marketingLimit: { ...DEFAULT_MODEL_PARAMETERS.marketingLimit, allowance: 1 } };
    const scenario = makeScenario({
      horizon: 12 * DAY, params,
      numbers: [{ id: 'n1', tier: 'TIER_10K', quality: 'HIGH', status: 'CONNECTED' }],
      segments: [segment('all', 2000, { ...SILENT, onWhatsApp: 0.9 })],
      plans: [plan('burst', { kind: 'burst' })],
    });
    const planner = runReplication(scenario, 'burst', 0, { sender: 'planner' });
    const runner = runReplication(scenario, 'burst', 0, { sender: 'runner', sends: true });
    const byPerson = new Map<string, SentMessage[]>();
    for (const s of runner.sends!) byPerson.set(s.waId, [...(byPerson.get(s.waId) ?? []), s]);
    const followedUp = [...byPerson.values()].filter((list) => list.length > 1);

    expect(byPerson.size).toBe(2000);
    expect(followedUp.length).toBeGreaterThan(0);
    expect(followedUp.length).toBe(planner.counts.failedByCode['131049']);
    for (const list of followedUp) {
      // The first message and at most three follow-ups (core's frequencyCapRetries), each at least 24 h after the one before.
      expect(list.map((s) => s.messageKey)).toEqual(['m1', 'm1~1', 'm1~2', 'm1~3'].slice(0, list.length));
      expect(list.length).toBeLessThanOrEqual(4);
      for (let k = 1; k < list.length; k++) expect(list[k]!.at - list[k - 1]!.at).toBeGreaterThanOrEqual(DAY);
    }
    // 131026 suppresses the contact: as many undeliverable as the planner's single pass finds.
    expect(runner.counts.failedByCode['131026']).toBe(planner.counts.failedByCode['131026']);
    keepsThroughput(runner.sends!, 80);
  });

  it('should be chosen by the plan\'s `sender` in a scenario file, and a misspelt one reported', () => {
    const doc = (sender: string) => [
      'policy: meta-2023', 'horizon: 1d', 'portfolio: { numbers: [{ id: n1, tier: TIER_1K }] }',
      'audience: { segments: [{ name: all, size: 100, behaviour: silent }] }',
      `plans: { p: { from: n1, sender: ${sender}, schedule: { kind: burst } } }`,
    ].join('\n');
    const ok = parseScenario(doc('runner'), 'ok');
    expect(ok.ok && ok.scenario.plans[0]!.sender).toBe('runner');
    const bad = parseScenario(doc('runnr'), 'bad');
    expect(bad.ok ? [] : bad.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['plans.p.sender: got "runnr", expected one of planner, runner (did you mean runner?)']);
    if (!ok.ok) return;
    const r = runReplication(ok.scenario, 'p', 0, { sends: true });
    expect(r.sends!.map((s) => s.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
