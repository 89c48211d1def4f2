/**
 * The runner's clock on the wall clock: `now()` is real time, optionally sped up (a time-lapse, so
 * a multi-day warm-up can be watched in minutes against a sandbox running at the same scale), and
 * `sleepUntil` is a timer that `wake()` cuts short.
 *
 * Each running campaign gets its own view (`view()`): views share the time base but not their
 * sleeps, so waking one campaign (a webhook for it, a human pressing pause) leaves the others
 * asleep. A `wake()` that finds no sleep in progress is kept for the next `sleepUntil`, which then
 * returns at once: a resume pressed while the driver was busy sending is never lost.
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import type { RunnerClock } from '../../core/runner-ports.ts';
import type { Duration, Instant } from '../../core/time.ts';

export interface WallClockOptions {
  /** Clock ms per real ms: 1 is real time (the default), 60 runs a minute per second. */
  readonly timeLapse?: number;
  /** The instant the clock reads at `realStart` (default: the real time then). */
  readonly start?: Instant;
  /** The real epoch ms at which the clock reads `start` (default: now), so restarted processes agree. */
  readonly realStart?: number;
  /** The real clock, epoch ms (tests). */
  readonly realNow?: () => number;
}

/** setTimeout takes at most a signed 32-bit delay; longer sleeps are taken in slices. */
const MAX_TIMER_MS = 2_147_483_647;

export class WallClock implements RunnerClock {
  readonly timeLapse: number;
  readonly #realNow: () => number;
  readonly #realStart: number;
  readonly #start: Instant;
  #skipped: Duration = 0;
  /** The books (limit windows, tier state) refuse time going backwards: a system clock step back is held at the last reading. */
  #last = Number.NEGATIVE_INFINITY;
  readonly #views = new Set<ClockView>();
  readonly #own: ClockView;

  constructor(options: WallClockOptions = {}) {
    const lapse = options.timeLapse ?? 1;
    if (typeof lapse !== 'number' || !Number.isFinite(lapse) || lapse <= 0) {
      throw invalidArgument('wall clock timeLapse', `got ${describe(lapse)}, expected a positive number (1 = real time, 60 = a minute per second)`);
    }
    this.timeLapse = lapse;
    this.#realNow = options.realNow ?? Date.now;
    this.#realStart = options.realStart ?? this.#realNow();
    this.#start = options.start ?? this.#realStart;
    for (const [k, v] of [['start', this.#start], ['realStart', this.#realStart]] as const) {
      if (!Number.isFinite(v)) throw invalidArgument(`wall clock ${k}`, `got ${describe(v)}, expected epoch ms`);
    }
    this.#own = this.view();
  }

  now(): Instant {
    this.#last = Math.max(this.#last, Math.floor(this.#start + (this.#realNow() - this.#realStart) * this.timeLapse + this.#skipped));
    return this.#last;
  }

  /** A clock for one driver: the same time, its own sleeps and wake-ups. */
  view(): ClockView {
    const v = new ClockView(this, (x) => this.#views.delete(x));
    this.#views.add(v);
    return v;
  }

  sleepUntil(at: Instant): Promise<void> {
    return this.#own.sleepUntil(at);
  }

  wake(): void {
    this.#own.wake();
  }

  /** Jump ahead (a test, or skipping a quiet night in a demo): every sleeper re-checks its deadline. */
  skip(ms: Duration): void {
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) throw invalidArgument('wall clock skip', `got ${describe(ms)}, expected a duration in ms >= 0`);
    this.#skipped += ms;
    for (const v of this.#views) v.recheck();
  }

  /** Real ms until the clock reads `at`. */
  realDelay(at: Instant): number {
    return Math.max(0, (at - this.now()) / this.timeLapse);
  }
}

export class ClockView implements RunnerClock {
  #pendingWake = false;
  #sleep: { at: Instant; timer?: ReturnType<typeof setTimeout>; resolve: () => void } | undefined;

  constructor(private readonly base: WallClock, private readonly forget: (v: ClockView) => void) {}

  now(): Instant {
    return this.base.now();
  }

  sleepUntil(at: Instant): Promise<void> {
    if (this.#pendingWake || at <= this.base.now()) {
      this.#pendingWake = false;
      return Promise.resolve();
    }
    this.#end();
    return new Promise<void>((resolve) => {
      this.#sleep = { at, resolve };
      this.#arm();
    });
  }

  wake(): void {
    if (this.#sleep) this.#end();
    else this.#pendingWake = true;
  }

  /** The view is no longer used (its campaign ended): it stops following skips. */
  release(): void {
    this.#end();
    this.forget(this);
  }

  recheck(): void {
    if (!this.#sleep) return;
    if (this.#sleep.at <= this.base.now()) this.#end();
    else this.#arm();
  }

  #arm(): void {
    const s = this.#sleep;
    if (!s) return;
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
    if (!Number.isFinite(s.at)) return;
    const delay = Math.min(MAX_TIMER_MS, Math.ceil(this.base.realDelay(s.at)));
    s.timer = setTimeout(() => {
      s.timer = undefined;
      this.recheck();
    }, delay);
  }

  #end(): void {
    const s = this.#sleep;
    if (!s) return;
    this.#sleep = undefined;
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.resolve();
  }
}
