import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../../core/index.ts';
import { Enforcement } from '../../../simulator/model/enforcement.ts';
import { DEFAULT_MODEL_PARAMETERS } from '../../../simulator/model/parameters.ts';

const params = DEFAULT_MODEL_PARAMETERS;

/** `delivered` messages in the hour before `at`, `negative` of them blocked. */
function feed(e: Enforcement, at: number, delivered: number, negative: number): void {
  for (let i = 0; i < delivered; i++) e.record('delivered', at - HOUR + i);
  for (let i = 0; i < negative; i++) e.record(i % 2 ? 'block' : 'report', at - 30 * MINUTE + i);
}

describe('enforcement', () => {
  it('should do nothing while blocks and reports stay under the thresholds', () => {
    const e = new Enforcement(params);
    feed(e, DAY, 2000, 20);
    expect(e.review(DAY)).toEqual([]);
  });

  it('should trip the spam rate limit for its cooldown when a day\'s negative rate passes it', () => {
    const e = new Enforcement(params);
    feed(e, DAY, 400, 12);
    expect(e.review(DAY)).toEqual([{ kind: 'rate-limited', at: DAY, until: DAY + params.spamLimit.cooldown }]);
    expect(e.isRateLimited(DAY + HOUR)).toBe(true);
    expect(e.isRateLimited(DAY + params.spamLimit.cooldown)).toBe(false);
  });

  it('should climb the ladder one rung per sustained bad day: warning, block, longer block, ban', () => {
    const e = new Enforcement({ ...params, spamLimit: { ...params.spamLimit, rate: 1 } });
    const kinds: string[] = [];
    let at = DAY;
    for (let day = 0; day < 12 && !e.banned; day++, at += DAY) {
      feed(e, at, 800, 20);
      for (const ev of e.review(at)) kinds.push(ev.kind === 'blocked' ? `blocked ${(ev.until - ev.at) / DAY}d` : ev.kind);
    }
    expect(kinds).toEqual(['warning', 'blocked 1d', 'blocked 7d', 'banned']);
    expect(e.banned).toBe(true);
  });

  it('should not strike twice within its spacing, nor without fresh negative feedback', () => {
    const e = new Enforcement({ ...params, spamLimit: { ...params.spamLimit, rate: 1 } });
    feed(e, DAY, 800, 20);
    expect(e.review(DAY).map((x) => x.kind)).toEqual(['warning']);
    expect(e.review(DAY + HOUR)).toEqual([]);
    expect(e.review(2 * DAY + HOUR)).toEqual([]);
  });

  it('should ban at once on excessive negative feedback', () => {
    const e = new Enforcement(params);
    feed(e, DAY, 1200, 100);
    expect(e.review(DAY).map((x) => x.kind)).toEqual(['rate-limited', 'banned']);
    expect(e.review(2 * DAY)).toEqual([]);
  });
});
