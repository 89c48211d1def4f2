import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND, type PlanSchedule } from '../../core/index.ts';
import { DEFAULT_MODEL_PARAMETERS } from '../../simulator/model/parameters.ts';
import { replicationSeed, runReplication } from '../../simulator/run-replication.ts';
import type { ReplicationResult, Scenario } from '../../simulator/scenario/scenario.ts';
import { makeScenario, plan, segment, SILENT } from './make-scenario.ts';

const at = (day: number, hh: number, mm = 0) => day * DAY + hh * HOUR + mm * MINUTE;
const script = (...sends: [number, number, number][]): PlanSchedule => ({ kind: 'script', sends: sends.map(([t, count, over]) => ({ at: t, count, over })) });
const silent = (size = 20_000) => [segment('all', size, SILENT)];
const changes = (r: ReplicationResult, kind?: string) => r.timeline.filter((e) => kind === undefined || e.kind === kind).map((e) => ({ h: e.at / HOUR, kind: e.kind, from: e.from, to: e.to }));

/** The seed's worked example 1 as a scenario (what scenarios/seed-examples.yaml holds). */
const example1 = makeScenario({
  segments: silent(),
  plans: [plan('example1', script([at(0, 6), 500, 9 * HOUR], [at(1, 6), 500, 9 * HOUR]))],
  events: [{ at: at(3, 0), number: 'n1', quality: 'LOW' }],
});

const smallBurst = makeScenario({
  horizon: 5 * DAY,
  numbers: [{ id: 'n1', tier: 'TIER_250', quality: 'UNKNOWN' }],
  segments: [segment('all', 3000)],
});

describe('seed 001 worked examples, replayed by the simulator (meta-2023, silent audience)', () => {
  it('should reach 10K at 39 h and go LOW and FLAGGED at 72 h (example 1)', () => {
    const r = runReplication(example1, 'example1', 0);
    expect(changes(r)).toEqual([
      { h: 39, kind: 'tier', from: 'TIER_1K', to: 'TIER_10K' },
      { h: 72, kind: 'quality', from: 'HIGH', to: 'LOW' },
      { h: 72, kind: 'status', from: 'CONNECTED', to: 'FLAGGED' },
    ]);
    expect(r.tierReachedAt.n1).toEqual({ TIER_1K: 0, TIER_10K: 39 * HOUR });
    expect(r).toMatchObject({ flagged: true, banned: false, restricted: false });
    expect(r.counts).toMatchObject({ sent: 1000, delivered: 1000, failed: 0, pending: 0, read: 0, blocks: 0 });
  });

  it('should give the same run whatever the seed: nothing random happens', () => {
    const a = runReplication(example1, 'example1', 0);
    const b = runReplication({ ...example1, seed: 12345 }, 'example1', 3);
    expect({ ...b, seed: 0, replication: 0 }).toEqual({ ...a, seed: 0, replication: 0 });
  });

  it('should reach 10K at 91 h after 100, 200, 200, 300 conversations a day (example 2)', () => {
    const s = makeScenario({
      segments: silent(),
      plans: [plan('example2', script([at(0, 9), 100, 10 * HOUR], [at(1, 9), 200, 10 * HOUR], [at(2, 9), 200, 10 * HOUR], [at(3, 9), 300, 10 * HOUR]))],
    });
    const r = runReplication(s, 'example2', 0);
    expect(changes(r, 'tier')).toEqual([{ h: 91, kind: 'tier', from: 'TIER_1K', to: 'TIER_10K' }]);
    expect(changes(r, 'status')).toEqual([]);
  });

  it('should take a new number from 250 to 1K 24 h after its 125th conversation in 7 days (FAQ)', () => {
    const s = makeScenario({
      numbers: [{ id: 'new', tier: 'TIER_250', quality: 'UNKNOWN' }],
      segments: silent(),
      plans: [plan('faq', script([at(0, 10), 60, 8 * HOUR], [at(4, 10), 65, 8 * HOUR]), { from: ['new'] })],
      horizon: 7 * DAY,
    });
    const r = runReplication(s, 'faq', 0);
    expect(changes(r)).toEqual([{ h: 4 * 24 + 18 + 24, kind: 'tier', from: 'TIER_250', to: 'TIER_1K' }]);
  });
});

describe('messaging limit in the timeline', () => {
  it('should show RESTRICTED when the number reaches its limit and CONNECTED once room frees', () => {
    const s = makeScenario({
      numbers: [{ id: 'n1', tier: 'TIER_250', quality: 'HIGH' }],
      segments: silent(),
      plans: [plan('over', script([at(0, 6), 300, HOUR]))],
      horizon: 3 * DAY,
    });
    const r = runReplication(s, 'over', 0);
    const status = changes(r, 'status');
    // The 250th of 300 sends spread over an hour leaves at 06:49:57.994.
    expect(status[0]).toEqual({ h: (at(0, 6) + Math.ceil((249 * HOUR) / 299)) / HOUR, kind: 'status', from: 'CONNECTED', to: 'RESTRICTED' });
    expect(status[1]).toMatchObject({ from: 'RESTRICTED', to: 'CONNECTED' });
    expect(status[1]!.h).toBeGreaterThanOrEqual(30);
    expect(status).toHaveLength(2);
    expect(r.restricted).toBe(true);
    expect(r.counts).toMatchObject({ sent: 300, delivered: 300, pending: 0 });
  });

  it('should share one limit between the numbers of a portfolio under meta-2025-10', () => {
    const s = makeScenario({
      policy: 'meta-2025-10',
      numbers: [{ id: 'a', tier: 'TIER_2K', quality: 'HIGH' }, { id: 'b', tier: 'TIER_2K', quality: 'HIGH' }],
      segments: silent(),
      plans: [plan('pool', { kind: 'burst' }, { from: ['a', 'b'] })],
      horizon: 12 * HOUR,
    });
    const r = runReplication(s, 'pool', 0);
    // 160 a second between them: the 2,000th goes at 12 s and both are RESTRICTED together. The
    // 1,000th (half the limit) went at 6 s: 10K for both 6 h later, full again soon after.
    const restricted = r.timeline.filter((e) => e.to === 'RESTRICTED').map((e) => `${e.number}@${e.at / SECOND}s`);
    expect(restricted.slice(0, 2)).toEqual(['a@12s', 'b@12s']);
    const reached = { TIER_2K: 0, TIER_10K: 6 * HOUR + 6 * SECOND };
    expect(r.tierReachedAt).toEqual({ a: reached, b: reached });
    expect(r.counts.sent).toBe(10_000);
  });
});

describe('forced events', () => {
  it('should set tier and status at the exact time and hold them', () => {
    const s = makeScenario({
      segments: silent(),
      plans: [plan('steady', { kind: 'ramp', start: 100, growth: 1, step: DAY, cap: 100 })],
      events: [{ at: at(1, 0), number: 'n1', tier: 'TIER_100K' }, { at: at(2, 12), number: 'n1', status: 'BANNED' }],
      horizon: 4 * DAY,
    });
    const r = runReplication(s, 'steady', 0, { series: true });
    expect(changes(r)).toEqual([
      { h: 24, kind: 'tier', from: 'TIER_1K', to: 'TIER_100K' },
      { h: 60, kind: 'status', from: 'CONNECTED', to: 'BANNED' },
    ]);
    expect(r.banned).toBe(true);
    expect(r.series!.filter((p) => p.hour >= 60).every((p) => p.sends === 0)).toBe(true);
    expect(r.series!.filter((p) => p.hour < 60).reduce((n, p) => n + p.sends, 0)).toBe(r.counts.sent);
  });

  it('should let feedback received after a forced quality move the score again', () => {
    const s = makeScenario({
      segments: silent(),
      plans: [plan('later', script([at(4, 0), 600, HOUR]))],
      events: [{ at: at(3, 0), number: 'n1', quality: 'LOW' }],
      horizon: 5 * DAY,
    });
    expect(changes(runReplication(s, 'later', 0), 'quality')).toEqual([
      { h: 72, kind: 'quality', from: 'HIGH', to: 'LOW' },
      { h: 97, kind: 'quality', from: 'LOW', to: 'HIGH' },
    ]);
  });
});

describe('template pacing', () => {
  it('should hold a new marketing template\'s messages past the threshold until Meta\'s verdict', () => {
    const s = makeScenario({
      segments: silent(),
      templates: [{ name: 'promo', category: 'MARKETING', quality: 'UNKNOWN' }],
      numbers: [{ id: 'n1', tier: 'TIER_10K', quality: 'HIGH' }],
      plans: [plan('big', script([at(0, 6), 1500, HOUR]))],
    });
    const early = runReplication({ ...s, horizon: at(0, 7, 30) }, 'big', 0);
    expect(early.counts).toMatchObject({ sent: 1500, delivered: 1000, pending: 500 });
    const late = runReplication({ ...s, horizon: DAY }, 'big', 0);
    expect(late.counts).toMatchObject({ sent: 1500, delivered: 1500, pending: 0 });
  });
});

describe('replications', () => {
  it('should give the same result for the same scenario and seed, and differ across seeds', () => {
    const a = runReplication(smallBurst, 'burst', 0);
    expect(runReplication(smallBurst, 'burst', 0)).toEqual(a);
    const b = runReplication(smallBurst, 'burst', 1);
    expect(b.seed).toBe(replicationSeed(smallBurst.seed, 1));
    expect(b.counts).not.toEqual(a.counts);
  });

  it('should re-run any one replication alone with the same result', () => {
    const inLoop = [0, 1, 2, 3].map((i) => runReplication(smallBurst, 'burst', i));
    expect(runReplication(smallBurst, 'burst', 3)).toEqual(inLoop[3]);
  });

  it('should end every message sent delivered, failed or pending at the horizon (property)', () => {
    const schedule = fc.oneof(
      fc.constant<PlanSchedule>({ kind: 'burst' }),
      fc.record({ start: fc.integer({ min: 10, max: 300 }), growth: fc.double({ min: 0.5, max: 2, noNaN: true }) })
        .map(({ start, growth }): PlanSchedule => ({ kind: 'ramp', start, growth, step: DAY, cap: 2000 })),
      fc.record({ day: fc.integer({ min: 0, max: 3 }), count: fc.integer({ min: 1, max: 900 }) })
        .map(({ day, count }) => script([at(day, 6), count, 5 * HOUR])),
    );
    const world = fc.record({
      seed: fc.integer({ min: 0, max: 1000 }),
      policy: fc.constantFrom('meta-2023' as const, 'meta-2025-10' as const),
      tier: fc.constantFrom('TIER_250' as const, 'TIER_10K' as const),
      size: fc.integer({ min: 1, max: 1500 }),
      offline: fc.double({ min: 0, max: 0.9, noNaN: true }),
      reconnectHours: fc.integer({ min: 1, max: 72 }),
      block: fc.double({ min: 0, max: 0.2, noNaN: true }),
      optIn: fc.constantFrom('explicit' as const, 'implied' as const, 'none' as const),
      templateQuality: fc.constantFrom('HIGH' as const, 'UNKNOWN' as const),
      horizonHours: fc.integer({ min: 6, max: 8 * 24 }),
      schedule,
    });
    fc.assert(
      fc.property(world, (w) => {
        const s = makeScenario({
          seed: w.seed, policy: w.policy, horizon: w.horizonHours * HOUR,
          numbers: [{ id: 'n1', tier: w.tier, quality: 'UNKNOWN' }],
          segments: [segment('all', w.size, { offline: w.offline, reconnectMean: w.reconnectHours * HOUR, block: w.block, optIn: w.optIn })],
          templates: [{ name: 'promo', category: 'MARKETING', quality: w.templateQuality }],
          plans: [plan('p', w.schedule)],
        });
        const { counts } = runReplication(s, 'p', 0);
        expect(counts.pending).toBeGreaterThanOrEqual(0);
        expect(counts.sent).toBe(counts.delivered + counts.failed + counts.pending);
        expect(Object.values(counts.failedByCode).reduce((a, b) => a + b, 0)).toBe(counts.failed);
        expect(counts.sent).toBeLessThanOrEqual(w.size);
        expect(counts.read).toBeLessThanOrEqual(counts.delivered);
      }),
      { numRuns: 25 },
    );
  });
});

/** Replications 0..n-1 in which a number was flagged or banned. */
function troubled(s: Scenario, planName: string, n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = runReplication(s, planName, i);
    if (r.flagged || r.banned) count++;
  }
  return count;
}

describe('risk', () => {
  it('should never lower flag or ban counts when recipients block more (beyond noise)', () => {
    const at = (block: number) => makeScenario({
      horizon: 4 * DAY,
      numbers: [{ id: 'n1', tier: 'TIER_250', quality: 'UNKNOWN' }],
      segments: [segment('all', 2500, { block })],
    });
    const counts = [0.001, 0.004, 0.01, 0.03].map((block) => troubled(at(block), 'burst', 30));
    for (let k = 1; k < counts.length; k++) expect(counts[k]).toBeGreaterThanOrEqual(counts[k - 1]! - 3);
    expect(counts[3]).toBeGreaterThan(counts[0]! + 10);
  });

  it('should flag or ban a burst from a fresh number far more often than a warm-up ramp of the same audience', () => {
    const s = makeScenario({
      horizon: 30 * DAY,
      numbers: [{ id: 'n1', tier: 'TIER_250', quality: 'UNKNOWN' }],
      segments: [segment('all', 20_000)],
      plans: [plan('burst', { kind: 'burst' }), plan('warmup', { kind: 'ramp', start: 50, growth: 1.5, step: DAY, cap: 1000 })],
      params: DEFAULT_MODEL_PARAMETERS,
    });
    const n = 16;
    const burst = troubled(s, 'burst', n);
    const warmup = troubled(s, 'warmup', n);
    expect(burst).toBeGreaterThanOrEqual(0.8 * n);
    expect(warmup).toBeLessThanOrEqual(0.2 * n);
  });
});
