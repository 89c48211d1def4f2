/**
 * Pair rate: a business number may send one user about one message every 6 seconds; short bursts
 * borrow from later, and over it the API answers 131056, after which Meta says to wait 4^X seconds.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 *
 * Campaigns send one message per person, so this mostly matters for follow-ups and replies. The
 * tracker remembers, per (number, recipient), when the next message is welcome; callers ask
 * `waitMs` before sending and the client records every send and every 131056. Memory is bounded:
 * pairs that are free again are forgotten first.
 */
import { classifyMetaError, retryDelay } from '../../core/meta-error.ts';
import { SECOND, type Duration, type Instant } from '../../core/time.ts';

/** Meta: "1 message every 6 seconds" to the same WhatsApp user. */
export const PAIR_INTERVAL_MS: Duration = 6 * SECOND;

export interface PairRateOptions {
  readonly intervalMs?: Duration;
  /** Messages one pair may send back to back before the interval applies (Meta publishes no figure). */
  readonly burst?: number;
  readonly maxPairs?: number;
}

interface Pair { tat: Instant; strikes: number }

const PAIR_RATE_INFO = classifyMetaError(131056);

export class PairRateTracker {
  readonly #interval: Duration;
  readonly #tolerance: Duration;
  readonly #maxPairs: number;
  readonly #pairs = new Map<string, Pair>();

  constructor(options: PairRateOptions = {}) {
    this.#interval = options.intervalMs ?? PAIR_INTERVAL_MS;
    this.#tolerance = ((options.burst ?? 1) - 1) * this.#interval;
    this.#maxPairs = options.maxPairs ?? 100_000;
  }

  /** Milliseconds until `to` may get another message from `numberId`; 0 when it may now. */
  waitMs(numberId: string, to: string, now: Instant): Duration {
    const pair = this.#pairs.get(key(numberId, to));
    return pair ? Math.max(0, pair.tat - this.#tolerance - now) : 0;
  }

  /** A message to `to` was accepted at `at`. */
  recordSend(numberId: string, to: string, at: Instant): void {
    const pair = this.#pair(numberId, to, at);
    pair.tat = Math.max(pair.tat, at) + this.#interval;
    pair.strikes = 0;
  }

  /** Meta answered 131056: back off 1 s, 4 s, 16 s, … (core's retry advice for the code). */
  recordPairRateHit(numberId: string, to: string, at: Instant): Duration {
    const pair = this.#pair(numberId, to, at);
    pair.strikes++;
    const attempts = PAIR_RATE_INFO.retry?.maxAttempts ?? 1;
    const delay = retryDelay(PAIR_RATE_INFO, Math.min(pair.strikes, attempts)) ?? this.#interval;
    pair.tat = Math.max(pair.tat, at + delay + this.#tolerance);
    return delay;
  }

  get size(): number {
    return this.#pairs.size;
  }

  #pair(numberId: string, to: string, now: Instant): Pair {
    const k = key(numberId, to);
    let pair = this.#pairs.get(k);
    if (pair) {
      this.#pairs.delete(k); // re-insert: Map order is then least recently used first
    } else {
      if (this.#pairs.size >= this.#maxPairs) this.#evict(now);
      pair = { tat: Number.NEGATIVE_INFINITY, strikes: 0 };
    }
    this.#pairs.set(k, pair);
    return pair;
  }

  /** Frees a tenth of the room at once, so a full map costs one scan per many inserts. */
  #evict(now: Instant): void {
    const target = Math.floor(this.#maxPairs * 0.9);
    for (const [k, p] of this.#pairs) if (p.tat <= now) this.#pairs.delete(k);
    // Pairs still cooling down: drop the least recently used rather than grow without bound.
    for (const k of this.#pairs.keys()) {
      if (this.#pairs.size <= target) break;
      this.#pairs.delete(k);
    }
  }
}

/** `+966 50 123 4567`, `+966501234567` and `966501234567` are the same person. */
function key(numberId: string, to: string): string {
  return `${numberId}\u0000${to.replace(/\D/g, '')}`;
}
