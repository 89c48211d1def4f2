import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../../core/index.ts';
import { randomStream, type Random } from '../../../simulator/engine/random.ts';
import { Audience, draw } from '../../../simulator/model/audience.ts';
import { DEFAULT_MODEL_PARAMETERS } from '../../../simulator/model/parameters.ts';
import { segment, SILENT } from '../make-scenario.ts';

const params = DEFAULT_MODEL_PARAMETERS;

/** A Random that fails the test if anything asks it for a draw. */
const noDraws: Random = {
  next: () => { throw new Error('drew a number'); },
  int: () => { throw new Error('drew a number'); },
  chance: () => { throw new Error('drew a number'); },
  exponential: () => { throw new Error('drew a number'); },
};

function countReactions(audience: Audience, from: number, to: number, negative = 1) {
  const seen: Record<string, number> = { none: 0, reply: 0, stop: 0, mute: 0, block: 0, report: 0, read: 0 };
  for (let i = from; i < to; i++) {
    const r = audience.react(i, negative, 1);
    seen[r.kind]!++;
    if (r.read) seen.read!++;
  }
  return seen;
}

describe('audience', () => {
  it('should give each recipient a stable id from its segment and index', () => {
    const a = new Audience([segment('vip', 3), segment('rest', 5)], params, randomStream(1, 'r'));
    expect(a.size).toBe(8);
    expect([0, 2, 3, 7].map((i) => a.id(i))).toEqual(['vip:0', 'vip:2', 'rest:0', 'rest:4']);
    expect([0, 2, 3, 7].map((i) => a.segmentOf(i))).toEqual([0, 0, 1, 1]);
    expect(a.segmentIndex('rest')).toBe(1);
    expect(() => a.segmentIndex('nobody')).toThrow(/not in the audience; expected one of vip, rest/);
  });

  it('should hold a million recipients in typed arrays', () => {
    const a = new Audience([segment('all', 1_000_000)], params, randomStream(1, 'r'));
    expect(a.size).toBe(1_000_000);
    expect(a.id(999_999)).toBe('all:999999');
  });

  it('should draw nothing for a silent segment, and spread who is reachable in its proportions', () => {
    const a = new Audience([segment('quiet', 10_000, { ...SILENT, onWhatsApp: 0.9, offline: 0.2 })], params, noDraws);
    const kinds = { unreachable: 0, online: 0, offline: 0 };
    for (let i = 0; i < 10_000; i++) {
      const arrival = a.arrive(i, 0);
      kinds[arrival.kind]++;
      expect(a.react(i, 100, 100)).toEqual({ kind: 'none', read: false, delay: 0 });
    }
    expect(kinds.unreachable).toBeGreaterThan(950);
    expect(kinds.unreachable).toBeLessThan(1050);
    expect(kinds.offline / (kinds.online + kinds.offline)).toBeCloseTo(0.2, 1);
  });

  it('should remember messages from the business and forget them over the fatigue window', () => {
    const a = new Audience([segment('all', 2)], params, randomStream(1, 'r'));
    expect(a.noteSent(0, 0)).toBe(0);
    expect(a.noteSent(0, HOUR)).toBeCloseTo(Math.exp(-HOUR / params.fatigue.window), 6);
    expect(a.noteSent(0, 60 * DAY)).toBeLessThan(0.01);
    expect(a.noteSent(1, 60 * DAY)).toBe(0);
    expect(a.sinceLastSend(1, 60 * DAY + 5000)).toBe(5000);
  });

  it('should queue messages for an offline phone until it reconnects', () => {
    const a = new Audience([segment('all', 1, { onWhatsApp: 1, offline: 1, reconnectMean: HOUR })], params, randomStream(3, 'r'));
    const first = a.arrive(0, 0);
    expect(first).toMatchObject({ kind: 'offline', queuedBehind: false });
    const until = (first as { until: number }).until;
    expect(until).toBeGreaterThan(0);
    expect(a.arrive(0, until - 1)).toEqual({ kind: 'offline', until, queuedBehind: true });
  });

  it('should draw more negative feedback with a higher multiplier and a weaker opt-in', () => {
    const n = 40_000;
    const a = new Audience([segment('explicit', n), segment('none', n, { optIn: 'none' })], params, randomStream(5, 'r'));
    const calm = countReactions(a, 0, n / 2);
    const tired = countReactions(a, n / 2, n, 4);
    const cold = countReactions(a, n, 2 * n);
    const negative = (s: Record<string, number>) => s.block! + s.report!;
    expect(negative(calm) / (n / 2)).toBeCloseTo(0.005, 2);
    expect(negative(tired)).toBeGreaterThan(3 * negative(calm));
    expect(negative(cold) / n).toBeGreaterThan(0.03);
    expect(calm.read! / (n / 2)).toBeCloseTo(0.7, 1);
    expect(calm.reply! / (n / 2)).toBeCloseTo(0.05, 2);
  });

  it('should draw nothing for a certain outcome', () => {
    expect(draw(noDraws, 0)).toBe(false);
    expect(draw(noDraws, 1)).toBe(true);
  });
});
