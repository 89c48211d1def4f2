import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, type TierName } from '../../core/index.ts';
import { meanInterval, quantile, wilson } from '../../simulator/report/statistics.ts';
import { summarize, summaryJson } from '../../simulator/report/summary.ts';
import { summaryTable } from '../../simulator/report/table.ts';
import { htmlReport } from '../../simulator/report/html-report.ts';
import { parseScenario } from '../../simulator/scenario/parse-scenario.ts';
import type { ReplicationResult, Scenario, TimelineEntry } from '../../simulator/scenario/scenario.ts';

const YAML = `policy: meta-2023
seed: 5
horizon: 30d
portfolio:
  numbers:
    - { id: n1, tier: TIER_1K, quality: HIGH }
    - { id: n2, tier: TIER_250 }
audience:
  segments:
    - { name: all, size: 1000 }
plans:
  warmup: { from: n1, schedule: { kind: ramp, start: 10, growth: 2, cap: 100 } }
  burst: { from: [n1, n2], schedule: { kind: burst } }
expect:
  - { plan: warmup, maxBanRisk: 0.25, maxFlagRisk: 0.1, reachTier: { tier: TIER_10K, within: 3d }, minDelivered: 150 }
`;

function scenario(): Scenario {
  const parsed = parseScenario(YAML, 'hand-made');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scenario;
}

function result(plan: string, replication: number, r: Partial<ReplicationResult> & { delivered?: number; tier10k?: number; timeline?: TimelineEntry[] } = {}): ReplicationResult {
  const tiers: Partial<Record<TierName, number>> = { TIER_1K: 0 };
  if (r.tier10k !== undefined) tiers.TIER_10K = r.tier10k;
  return {
    plan,
    replication,
    seed: replication,
    banned: r.banned ?? false,
    flagged: r.flagged ?? false,
    restricted: r.restricted ?? false,
    tierReachedAt: { n1: tiers, n2: { TIER_250: 0 } },
    timeline: r.timeline ?? [],
    counts: { sent: 200, delivered: r.delivered ?? 180, read: 0, replied: 0, failed: 20, pending: 0, blocks: replication, reports: 1, stops: 0, failedByCode: {} },
    enforcement: { warnings: r.banned ? 1 : 0, blocks: 0, rateLimited: 2, templatePauses: 0 },
    events: 1000,
  };
}

/** Ten replications of warm-up: 2 banned, 1 flagged, 4 restricted; TIER_10K in 6 of them at days 1..6. */
function warmupResults(): ReplicationResult[] {
  return Array.from({ length: 10 }, (_, i) => result('warmup', i, {
    banned: i < 2,
    flagged: i === 3,
    restricted: i % 3 === 0,
    delivered: 100 + 20 * i,
    ...(i < 6 && { tier10k: (i + 1) * DAY }),
    ...(i === 0 && {
      timeline: [
        { at: DAY + 15 * HOUR, number: 'n1', kind: 'tier', from: 'TIER_1K', to: 'TIER_10K' },
        { at: 3 * DAY + 7 * MINUTE, number: 'n1', kind: 'quality', from: 'HIGH', to: 'LOW' },
      ],
    }),
  }));
}

describe('Wilson score intervals', () => {
  it('should match the published values (Newcombe 1998, method 3)', () => {
    const cases: [number, number, number, number][] = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718], [29, 29, 0.8830, 1]];
    for (const [k, n, lo, hi] of cases) {
      const w = wilson(k, n);
      expect(w.p).toBeCloseTo(k / n, 12);
      expect(w.lo).toBeCloseTo(lo, 4);
      expect(w.hi).toBeCloseTo(hi, 4);
    }
  });

  it('should know nothing from no trials, and refuse impossible counts', () => {
    expect(wilson(0, 0)).toEqual({ p: 0, lo: 0, hi: 1 });
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
  });

  it('should always contain the estimate and stay within [0, 1] (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
      const k = Math.floor(f * n);
      const w = wilson(k, n);
      return w.lo >= 0 && w.hi <= 1 && w.lo <= w.p + 1e-12 && w.p <= w.hi + 1e-12;
    }), { numRuns: 200 });
  });

  it('should narrow as replications grow', () => {
    const width = (n: number) => wilson(n / 10, n).hi - wilson(n / 10, n).lo;
    expect(width(100)).toBeGreaterThan(width(1000));
    expect(width(1000)).toBeGreaterThan(width(10000));
  });
});

describe('quantiles and means', () => {
  it('should interpolate between ranks like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6], 0.1)).toBeCloseTo(1.5, 12);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('should give the 95 % interval of a mean', () => {
    const m = meanInterval([1, 2, 3, 4, 5]);
    expect(m.mean).toBe(3);
    expect(m.hi - m.mean).toBeCloseTo(1.959963984540054 * Math.sqrt(2.5 / 5), 12);
    expect(meanInterval([4])).toEqual({ mean: 4, lo: 4, hi: 4 });
  });
});

describe('summary of replications', () => {
  it('should aggregate risks, tier times and counts per plan', () => {
    const summary = summarize(scenario(), [...warmupResults(), result('burst', 0, { banned: true })]);
    expect(summary).toMatchObject({ scenario: 'hand-made', policy: 'meta-2023', seed: 5, replications: 10, horizonHours: 720 });
    const w = summary.plans.warmup!;
    expect(w.replications).toBe(10);
    expect(w.banRisk.p).toBe(0.2);
    expect(w.banRisk.lo).toBeCloseTo(wilson(2, 10).lo, 6);
    expect(w.flaggedRisk.p).toBe(0.1);
    expect(w.restrictedRisk.p).toBe(0.4);
    // Tiers above n1's TIER_1K; reached in 6 replications at days 1..6.
    expect(Object.keys(w.daysToTier)).toEqual(['TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']);
    expect(w.daysToTier.TIER_10K).toEqual({ reached: 6, median: 3.5, p10: 1.5, p90: 5.5 });
    expect(w.daysToTier.TIER_100K).toEqual({ reached: 0, median: null, p10: null, p90: null });
    expect(w.delivered.mean).toBe(190);
    expect(w.blocks).toBe(4.5);
    expect(w.reports).toBe(1);
    expect(w.enforcement).toEqual({ warnings: 0.2, messagingBlocks: 0, rateLimited: 2, templatePauses: 0 });
    // burst also sends from n2 (TIER_250), so its tiers start above TIER_250.
    expect(Object.keys(summary.plans.burst!.daysToTier)).toEqual(['TIER_1K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']);
    expect(summary.plans.burst!.daysToTier.TIER_1K!.reached).toBe(1);
  });

  it("should give replication 0's timeline in simulated hours", () => {
    const summary = summarize(scenario(), warmupResults());
    expect(summary.plans.warmup!.timeline).toEqual([
      { atHours: 39, at: '1d 15:00', number: 'n1', kind: 'tier', from: 'TIER_1K', to: 'TIER_10K' },
      { atHours: 72 + 7 / 60, at: '3d 00:07', number: 'n1', kind: 'quality', from: 'HIGH', to: 'LOW' },
    ]);
  });

  it('should not depend on the order results arrive in', () => {
    const results = [...warmupResults(), result('burst', 0), result('burst', 1, { flagged: true })];
    const reference = summaryJson(summarize(scenario(), results));
    fc.assert(fc.property(fc.shuffledSubarray(results, { minLength: results.length, maxLength: results.length }), (shuffled) => {
      expect(summaryJson(summarize(scenario(), shuffled))).toBe(reference);
    }), { numRuns: 50 });
  });

  it('should keep the documented key order', () => {
    const json = JSON.parse(summaryJson(summarize(scenario(), warmupResults())));
    expect(Object.keys(json)).toEqual(['scenario', 'policy', 'seed', 'replications', 'horizonHours', 'plans', 'expect']);
    expect(Object.keys(json.plans.warmup)).toEqual([
      'replications', 'banRisk', 'flaggedRisk', 'restrictedRisk', 'daysToTier', 'delivered', 'sent', 'failed', 'pending', 'blocks', 'reports', 'stops', 'enforcement', 'timeline',
    ]);
    expect(Object.keys(json.plans.warmup.banRisk)).toEqual(['p', 'lo', 'hi']);
    expect(Object.keys(json.plans.warmup.timeline[0])).toEqual(['atHours', 'at', 'number', 'kind', 'from', 'to']);
  });

  it('should check each expectation against the run', () => {
    const summary = summarize(scenario(), warmupResults());
    expect(summary.expect.map((e) => [e.kind, e.ok])).toEqual([
      ['max-ban-risk', true], // 20 % <= 25 %
      ['max-flag-risk', true], // 10 % <= 10 %
      ['reach-tier', false], // TIER_10K within 3 days only at days 1, 2, 3: 3 of 10, not half
      ['min-delivered', true], // mean 190 >= 150
    ]);
    expect(summary.expect[2]!.actual).toBe('reached within 3 days in 3 of 10 replications (30.0 %)');
    expect(summary.expect[0]!.actual).toMatch(/^P\(ban\) = 20\.0 % \(95 % CI 5\.7 %–51\.0 %\)$/);
  });

  it('should skip expectations about plans that were not run', () => {
    const summary = summarize(scenario(), [result('burst', 0)]);
    expect(summary.expect).toEqual([]);
    expect(Object.keys(summary.plans)).toEqual(['burst']);
  });

  it('should render the terminal table and the HTML report from the summary', () => {
    const s = scenario();
    const results = [...warmupResults(), result('burst', 0)];
    const summary = summarize(s, results);
    const table = summaryTable(summary);
    expect(table).toContain('hand-made · policy meta-2023 · seed 5 · 10 replications per plan · horizon 30d');
    expect(table).toMatch(/warmup\s+20\.0% \[5\.7%–51\.0%\]\s+10\.0% \[1\.8%–40\.4%\]/);
    expect(table).toContain('3.5 [1.5–5.5] (6/10)');
    expect(table).toContain('FAIL  warmup: TIER_10K within 3 days');
    const html = htmlReport(s, summary, results);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)?.length).toBe(1 + 2 * 3); // risk chart + tier, quality, status per plan (no series)
    expect(html).toContain('No hourly series was recorded');
    expect(html).not.toMatch(/(src|href)="http/);
  });
});
