import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../simulator/engine/simulation.ts';
import { TimedQueue } from '../../../simulator/model/timed-queue.ts';

describe('timed queue', () => {
  it('should hand out items at their times, in order, with one engine event per distinct time', () => {
    const sim = new Simulation({ seed: 1 });
    const seen: string[] = [];
    const q = new TimedQueue<string>(sim, (item, at) => seen.push(`${item}@${at}`));
    q.push(10, 'a');
    q.push(10, 'b');
    q.push(25, 'c');
    sim.at(12, () => q.push(30, 'd'));
    const { events } = sim.run();
    expect(seen).toEqual(['a@10', 'b@10', 'c@25', 'd@30']);
    expect(events).toBe(4);
    expect(q.size).toBe(0);
  });

  it('should take items pushed while it hands out others', () => {
    const sim = new Simulation({ seed: 1 });
    const seen: number[] = [];
    const q: TimedQueue<number> = new TimedQueue<number>(sim, (n, at) => {
      seen.push(n);
      if (n < 3) q.push(at + 5, n + 1);
    });
    q.push(0, 0);
    sim.run();
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(sim.now).toBe(15);
  });

  it('should refuse an item due before the last one', () => {
    const sim = new Simulation({ seed: 1 });
    const q = new TimedQueue<number>(sim, () => {});
    q.push(10, 1);
    expect(() => q.push(5, 2)).toThrow(/expected non-decreasing times/);
  });
});
