/**
 * Per-number throughput: Cloud API numbers take 80 messages/s by default, 1,000/s after Meta's
 * automatic upgrade; above it the API answers 130429.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 *
 * Each send reserves a start slot from a token bucket (rate `mps`, `burst` slots at once after an
 * idle spell; the generic cell rate algorithm), and on top a sliding window holds the starts to at
 * most `mps` in any 1,000 ms, so the burst after an idle spell cannot push one second over the
 * limit. Reserving is synchronous and in request order; the async limiter only sleeps.
 *
 * Meta counts inbound messages against the same throughput: give a number that receives many
 * replies a rate below its level.
 */
import { invalidArgument, describe } from '../../core/errors.ts';
import { MAX_THROUGHPUT_MPS } from '../../core/phone-number.ts';

const WINDOW_MS = 1_000;
/**
 * The sliding window is held a hair longer than a second: clock reads around a send differ by
 * microseconds, and a send exactly 1,000 ms after another must not count in the same second for
 * whoever measures. Costs 0.2 % of the rate.
 */
const GUARDED_WINDOW_MS = WINDOW_MS + 2;

export function checkMps(mps: unknown, what = 'throughputMps'): number {
  if (typeof mps !== 'number' || !Number.isFinite(mps) || mps <= 0 || mps > MAX_THROUGHPUT_MPS) {
    throw invalidArgument(what, `got ${describe(mps)}, expected messages per second in (0, ${MAX_THROUGHPUT_MPS}] (Meta's ceiling per number)`);
  }
  return mps;
}

/** A tenth of a second's worth: smooth enough not to spike, loose enough not to starve a fast sender. */
export function defaultBurst(mps: number): number {
  return Math.max(1, Math.ceil(mps / 10));
}

/**
 * The pure part. `reserve` hands out start slots by the token bucket, in request order; `windowWait`
 * and `commit` keep the sliding window over the instants sends actually started, so a sender that
 * woke late cannot squeeze one second's sends into less than a second.
 */
export class SlotSchedule {
  readonly mps: number;
  readonly burst: number;
  readonly #interval: number;
  readonly #tolerance: number;
  readonly #started: Float64Array;
  #count = 0;
  #head = 0;
  #tat = Number.NEGATIVE_INFINITY;
  #pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(mps: number, burst = defaultBurst(mps)) {
    this.mps = checkMps(mps);
    if (!Number.isSafeInteger(burst) || burst < 1) throw invalidArgument('throughput burst', `got ${describe(burst)}, expected a whole number of messages ≥ 1`);
    this.burst = burst;
    this.#interval = WINDOW_MS / mps;
    this.#tolerance = (burst - 1) * this.#interval;
    this.#started = new Float64Array(Math.max(1, Math.floor(mps)));
  }

  /** The slot for a request made at `now` (non-decreasing across calls). */
  reserve(now: number): number {
    // The epsilon absorbs float drift: the burst-th slot after an idle spell is exactly `now`.
    const earliest = this.#tat - this.#tolerance;
    const at = Math.max(now, earliest - now < 1e-6 ? now : earliest, this.#pausedUntil);
    this.#tat = Math.max(this.#tat, at) + this.#interval;
    return at;
  }

  /** How long a send starting at `now` must still wait so the last 1,000 ms hold at most `mps` starts. */
  windowWait(now: number): number {
    if (this.#count < this.#started.length) return 0;
    const elapsed = now - this.#started[this.#head]!;
    return elapsed >= GUARDED_WINDOW_MS ? 0 : GUARDED_WINDOW_MS - elapsed;
  }

  /** Record a start at `now` (non-decreasing; only after `windowWait(now)` returned 0). */
  commit(now: number): void {
    this.#started[this.#head] = now;
    this.#head = (this.#head + 1) % this.#started.length;
    if (this.#count < this.#started.length) this.#count++;
  }

  /** No slot before `until`, and no burst right after it: sending resumes at the plain rate. */
  pause(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#tat = Math.max(this.#tat, this.#pausedUntil + this.#tolerance);
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }
}

export interface ThroughputLimiterOptions {
  readonly defaultMps: number;
  readonly burst?: number;
  /** A monotonic clock in ms; `performance.now()` by default, so wall-clock jumps do not matter. */
  readonly now?: () => number;
}

interface NumberSlots { schedule: SlotSchedule; epoch: number }

/** One schedule per phone number; `acquire` resolves when the number may send. */
export class ThroughputLimiter {
  readonly #defaultMps: number;
  readonly #burst: number | undefined;
  readonly #now: () => number;
  readonly #numbers = new Map<string, NumberSlots>();

  constructor(options: ThroughputLimiterOptions) {
    this.#defaultMps = checkMps(options.defaultMps);
    this.#burst = options.burst;
    this.#now = options.now ?? (() => performance.now());
  }

  setRate(numberId: string, mps: number, burst?: number): void {
    const slots = this.#slots(numberId);
    const schedule = new SlotSchedule(checkMps(mps), burst ?? this.#burstFor(mps));
    if (slots.schedule.pausedUntil > this.#now()) schedule.pause(slots.schedule.pausedUntil);
    slots.schedule = schedule;
    slots.epoch++;
  }

  rate(numberId: string): number {
    return this.#slots(numberId).schedule.mps;
  }

  /**
   * Waits for this number's next slot, then calls `start` in the same turn as the slot is taken,
   * so the recorded start is when the request really leaves. A pause that starts while waiting
   * sends the waiter back in line. The slot is taken only after the caller's current turn of the
   * event loop: a caller that queues hundreds of sends in one synchronous loop dispatches them only
   * when the loop ends, and the window must count them from then.
   */
  async run<T>(numberId: string, start: () => T): Promise<T> {
    const slots = this.#slots(numberId);
    for (;;) {
      const epoch = slots.epoch;
      const now = this.#now();
      const at = slots.schedule.reserve(now);
      await (at > now ? sleep(at - now) : nextTurn());
      if (slots.epoch !== epoch) continue;
      for (let wait = slots.schedule.windowWait(this.#now()); wait > 0; wait = slots.schedule.windowWait(this.#now())) await sleep(wait);
      if (slots.epoch !== epoch) continue;
      slots.schedule.commit(this.#now());
      return start();
    }
  }

  acquire(numberId: string): Promise<void> {
    return this.run(numberId, () => undefined);
  }

  /** Stop this number for `ms` (a 130429 answer): waiting senders re-queue behind the pause. */
  pauseFor(numberId: string, ms: number): void {
    const slots = this.#slots(numberId);
    slots.schedule.pause(this.#now() + ms);
    slots.epoch++;
  }

  /** How long this number stays paused, 0 when it is not. */
  pausedForMs(numberId: string): number {
    const slots = this.#numbers.get(numberId);
    return slots ? Math.max(0, slots.schedule.pausedUntil - this.#now()) : 0;
  }

  #burstFor(mps: number): number {
    return this.#burst ?? defaultBurst(mps);
  }

  #slots(numberId: string): NumberSlots {
    let slots = this.#numbers.get(numberId);
    if (!slots) {
      slots = { schedule: new SlotSchedule(this.#defaultMps, this.#burstFor(this.#defaultMps)), epoch: 0 };
      this.#numbers.set(numberId, slots);
    }
    return slots;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.ceil(ms)));
}
