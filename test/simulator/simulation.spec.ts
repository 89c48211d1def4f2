import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/index.ts';
import { Simulation, randomStream } from '../../simulator/index.ts';

describe('discrete-event engine', () => {
  it('should run events in time order, ties in scheduling order', () => {
    const sim = new Simulation({ seed: 1 });
    const seen: string[] = [];
    sim.schedule(10, () => seen.push('b@10'));
    sim.at(5, () => seen.push('a@5'));
    sim.schedule(10, () => seen.push('c@10'));
    sim.at(0, (s) => s.schedule(10, () => seen.push('d@10')));
    const result = sim.run();
    expect(seen).toEqual(['a@5', 'b@10', 'c@10', 'd@10']);
    expect(result.events).toBe(5);
    expect(sim.now).toBe(10);
  });

  it('should stop at `until` and leave later events pending', () => {
    const sim = new Simulation({ seed: 1 });
    let fired = 0;
    for (let t = 0; t < 100; t += 10) sim.at(t, () => fired++);
    expect(sim.run({ until: 45 })).toEqual({ events: 5, now: 45 });
    expect(sim.pending).toBe(5);
    expect(fired).toBe(5);
  });

  it('should process any schedule in non-decreasing time (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 300 }), (delays) => {
        const sim = new Simulation({ seed: 3 });
        const times: number[] = [];
        for (const d of delays) sim.schedule(d, (s) => times.push(s.now));
        sim.run();
        expect(times).toEqual([...delays].sort((a, b) => a - b));
      }),
    );
  });

  it('should give the same draws for the same seed and stream, and different ones otherwise', () => {
    const draw = (seed: number, name: string) => { const r = randomStream(seed, name); return [r.next(), r.next(), r.int(1, 6)]; };
    expect(draw(7, 'recipients')).toEqual(draw(7, 'recipients'));
    expect(draw(7, 'recipients')).not.toEqual(draw(8, 'recipients'));
    expect(draw(7, 'recipients')).not.toEqual(draw(7, 'platform'));
    const r = randomStream(1, 'x');
    for (let i = 0; i < 1000; i++) { const v = r.next(); expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThan(1); }
  });

  it('should refuse bad arguments with a typed error', () => {
    expect(() => new Simulation({ seed: 1.5 })).toThrow(CoreError);
    const sim = new Simulation({ seed: 1 });
    expect(() => sim.schedule(-1, () => {})).toThrow(/delayMs must be a finite number >= 0/);
    sim.run({ until: 100 });
    expect(() => sim.at(50, () => {})).toThrow(/timeMs must be finite and >= now \(100\)/);
  });
});
