import { describe, expect, it } from 'vitest';
import { PairRateTracker } from '../../../bot/whatsapp/pair-rate.ts';
import { SeenKeys } from '../../../bot/whatsapp/seen-keys.ts';

describe('pair rate tracker', () => {
  it('should let short bursts borrow from later when configured to', () => {
    const pairs = new PairRateTracker({ burst: 2 });
    pairs.recordSend('n', '966501234567', 0);
    expect(pairs.waitMs('n', '+966 50 123 4567', 0)).toBe(0);
    pairs.recordSend('n', '966501234567', 0);
    expect(pairs.waitMs('n', '966501234567', 0)).toBe(6_000);
  });

  it('should stay within its memory bound, forgetting free pairs first', () => {
    const pairs = new PairRateTracker({ maxPairs: 100 });
    for (let i = 0; i < 1_000; i++) pairs.recordSend('n', `9665012${String(i).padStart(5, '0')}`, i * 10);
    expect(pairs.size).toBeLessThanOrEqual(100);
    // the most recent pair is still remembered
    expect(pairs.waitMs('n', '966501200999', 9_990)).toBe(6_000);
  });
});

describe('seen keys', () => {
  it('should forget the oldest key when full', () => {
    const seen = new SeenKeys(3);
    for (const k of ['a', 'b', 'c', 'a', 'd']) seen.add(k);
    expect(['a', 'b', 'c', 'd'].map((k) => seen.has(k))).toEqual([false, true, true, true]);
    expect(seen.size).toBe(3);
  });
});
