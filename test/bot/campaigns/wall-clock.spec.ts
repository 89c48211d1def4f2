import { describe, expect, it } from 'vitest';
import { WallClock } from '../../../bot/campaigns/wall-clock.ts';

describe('the runner\'s wall clock', () => {
  it('should run time-lapsed from a shared origin, and never go backwards', () => {
    let real = 1_000;
    const clock = new WallClock({ timeLapse: 60, start: 5_000_000, realStart: 1_000, realNow: () => real });
    expect(clock.now()).toBe(5_000_000);
    real = 2_000;
    expect(clock.now()).toBe(5_060_000);
    real = 1_500; // the system clock stepped back
    expect(clock.now()).toBe(5_060_000);
    expect(clock.realDelay(5_120_000)).toBe(1_000);
  });

  it('should wake a sleeper early, keep a wake that came while it was awake, and leave other views asleep', async () => {
    const clock = new WallClock();
    const a = clock.view();
    const b = clock.view();
    let bWoke = false;
    void b.sleepUntil(clock.now() + 60_000).then(() => { bWoke = true; });
    const sleeping = a.sleepUntil(clock.now() + 60_000);
    a.wake();
    await sleeping;
    a.wake();
    const t0 = performance.now();
    await a.sleepUntil(clock.now() + 60_000);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(bWoke).toBe(false);
    b.release();
    await new Promise((r) => setImmediate(r));
    expect(bWoke).toBe(true);
  });

  it('should end sleeps that a skip carried past their deadline', async () => {
    const clock = new WallClock();
    const view = clock.view();
    const at = clock.now() + 3_600_000;
    const sleeping = view.sleepUntil(at);
    clock.skip(3_600_000);
    await sleeping;
    expect(clock.now()).toBeGreaterThanOrEqual(at);
    expect(() => new WallClock({ timeLapse: 0 })).toThrow(/timeLapse/);
  });
});
