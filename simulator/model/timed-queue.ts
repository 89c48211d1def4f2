/**
 * A first-in-first-out queue of things due at non-decreasing times (a fixed delay after events
 * that happen in time order: deliveries a fixed latency after acceptance, "ignored" a fixed time
 * after delivery). It keeps a single engine event, at its head's time, instead of one per item:
 * hundreds of thousands of messages cost a few thousand heap operations.
 */
import { invalidArgument } from '../../core/errors.ts';
import type { Instant } from '../../core/index.ts';
import type { Simulation } from '../engine/simulation.ts';

export class TimedQueue<T> {
  private times: Instant[] = [];
  private items: T[] = [];
  private head = 0;
  private armedAt = Number.NaN;
  private draining = false;

  constructor(private readonly sim: Simulation, private readonly handle: (item: T, at: Instant) => void) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(at: Instant, item: T): void {
    const last = this.times.length > this.head ? this.times[this.times.length - 1]! : Number.NEGATIVE_INFINITY;
    if (!(at >= last) || at < this.sim.now) throw invalidArgument('timed queue', `item due at ${at} after one due at ${last} (now ${this.sim.now}); expected non-decreasing times from now on`);
    this.times.push(at);
    this.items.push(item);
    if (Number.isNaN(this.armedAt) && !this.draining) this.arm(at);
  }

  private readonly onDue = (s: Simulation) => this.drain(s.now);

  private arm(at: Instant): void {
    this.armedAt = at;
    this.sim.at(at, this.onDue);
  }

  private drain(now: Instant): void {
    this.armedAt = Number.NaN;
    this.draining = true;
    while (this.head < this.times.length && this.times[this.head]! <= now) {
      const item = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      this.handle(item, now);
    }
    this.draining = false;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.head < this.times.length) this.arm(this.times[this.head]!);
  }
}
