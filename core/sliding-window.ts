/**
 * Sliding-window counters over a timeline that only moves forward. Both are O(1) amortised per
 * operation (a deque with a head index, compacted now and then), so a 30-day simulation of a
 * million recipients stays cheap. An entry made at `t` counts in every window (now - span, now]
 * with now < t + span: it expires exactly `span` after it was made.
 */
import { invalidArgument } from './errors.ts';
import type { Duration, Instant } from './time.ts';

abstract class Timeline {
  protected last = Number.NEGATIVE_INFINITY;
  constructor(readonly span: Duration) {
    if (!(span > 0)) throw invalidArgument('sliding window span', `got ${span}, expected a positive duration in ms`);
  }
  protected advance(at: Instant): void {
    if (!Number.isFinite(at)) throw invalidArgument('time', `got ${at}, expected a finite instant in ms`);
    if (at < this.last) throw invalidArgument('time', `went backwards from ${this.last} to ${at}; expected non-decreasing instants`);
    this.last = at;
  }
}

/** Counts events in the window (e.g. conversations opened in the last 7 days). */
export class SlidingCount extends Timeline {
  private times: Instant[] = [];
  private head = 0;

  add(at: Instant, n = 1): void {
    this.expire(at);
    for (let i = 0; i < n; i++) this.times.push(at);
  }

  count(at: Instant): number {
    this.expire(at);
    return this.times.length - this.head;
  }

  private expire(at: Instant): void {
    this.advance(at);
    const cutoff = at - this.span;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * A set of keys, each remembered for `span` after it was last touched (e.g. unique recipients in
 * the last 24 h). `touch` refreshes a key; `addIfAbsent` does not.
 */
export class SlidingSet extends Timeline {
  private lastSeen = new Map<string, Instant>();
  private keys: string[] = [];
  private times: Instant[] = [];
  private head = 0;

  has(key: string, at: Instant): boolean {
    this.expire(at);
    return this.lastSeen.has(key);
  }

  size(at: Instant): number {
    this.expire(at);
    return this.lastSeen.size;
  }

  /** Remember `key` from `at` on; refreshes an existing key. */
  touch(key: string, at: Instant): void {
    this.expire(at);
    this.lastSeen.set(key, at);
    this.keys.push(key);
    this.times.push(at);
  }

  /** Remember `key` unless it is already remembered; true when it was added. */
  addIfAbsent(key: string, at: Instant): boolean {
    if (this.has(key, at)) return false;
    this.touch(key, at);
    return true;
  }

  /** When the next key expires (the window frees room), or undefined when empty. */
  nextExpiry(at: Instant): Instant | undefined {
    this.expire(at);
    for (let i = this.head; i < this.times.length; i++) {
      const key = this.keys[i]!;
      if (this.lastSeen.get(key) === this.times[i]) return this.times[i]! + this.span;
    }
    return undefined;
  }

  private expire(at: Instant): void {
    this.advance(at);
    const cutoff = at - this.span;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) {
      const key = this.keys[this.head]!;
      if (this.lastSeen.get(key) === this.times[this.head]) this.lastSeen.delete(key);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.keys = this.keys.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
