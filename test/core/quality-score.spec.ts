import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, QualityScore, qualityParameters, CoreError } from '../../core/index.ts';

function scoreWith(delivered: number, blocks: number, at = 0): QualityScore {
  const q = new QualityScore();
  q.record('delivered', at, delivered);
  q.record('block', at, blocks);
  return q;
}

describe('quality score', () => {
  it('should rate HIGH, MEDIUM and LOW around the 1 % and 2 % negative-feedback marks', () => {
    expect(scoreWith(1000, 5).rating(0)).toBe('HIGH');
    expect(scoreWith(1000, 10).rating(0)).toBe('MEDIUM');
    expect(scoreWith(1000, 20).rating(0)).toBe('LOW');
  });

  it('should keep the previous rating while the sample is too small', () => {
    expect(scoreWith(50, 10).rating(0)).toBe('UNKNOWN');
    expect(scoreWith(50, 10).rating(0, 'HIGH')).toBe('HIGH');
  });

  it('should forget feedback older than 7 days', () => {
    const q = scoreWith(1000, 50, 0);
    expect(q.rating(6 * DAY)).toBe('LOW');
    q.record('delivered', 8 * DAY, 1000);
    expect(q.rating(8 * DAY)).toBe('HIGH');
  });

  it('should weigh recent feedback more than old feedback', () => {
    const old = new QualityScore();
    old.record('delivered', 0, 1000);
    old.record('block', 0, 30);
    old.record('delivered', 5 * DAY, 1000);
    const recent = new QualityScore();
    recent.record('delivered', 0, 1000);
    recent.record('delivered', 5 * DAY, 1000);
    recent.record('block', 5 * DAY, 30);
    expect(recent.negativeRate(5 * DAY).rate).toBeGreaterThan(old.negativeRate(5 * DAY).rate);
  });

  it('should never rate better when more negative feedback arrives (monotonic)', () => {
    const rank = { LOW: 0, UNKNOWN: 1, MEDIUM: 2, HIGH: 3 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 5000 }), fc.nat(200), fc.nat(50), fc.integer({ min: 0, max: 6 * 24 }), (delivered, blocks, more, hoursAgo) => {
        const now = 7 * DAY;
        const a = new QualityScore();
        a.record('delivered', now - hoursAgo * HOUR, delivered);
        a.record('block', now - hoursAgo * HOUR, blocks);
        const before = a.rating(now);
        a.record('report', now, more);
        expect(rank[a.rating(now)]).toBeLessThanOrEqual(rank[before]);
      }),
    );
  });

  it('should refuse nonsense parameters with a message naming the fix', () => {
    expect(() => qualityParameters({ mediumAt: 0.05, lowAt: 0.02 })).toThrow(CoreError);
    expect(() => qualityParameters({ mediumAt: 0.05, lowAt: 0.02 })).toThrow(/expected 0 < mediumAt < lowAt/);
    expect(() => qualityParameters({ halfLife: -1 })).toThrow(/quality.halfLife/);
  });
});
