/**
 * Meta's reactions to sustained negative feedback on one number, beyond the quality rating:
 *
 * - the spam rate limit (error 131048, "too many previous messages were blocked or flagged as
 *   spam"): when blocks + reports over `spamLimit.window` reach `spamLimit.rate`, sends fail 131048
 *   for `spamLimit.cooldown`;
 * - the enforcement ladder (DOMAIN §3): each strike (blocks + reports over `enforcement.window` at
 *   or above `strikeRate`, with fresh negative signals since the previous strike, at most one a
 *   `spacing`) climbs one rung: a warning, a `firstBlock` of business-initiated messaging, a
 *   `secondBlock` of all messaging, then a permanent ban. A rate at or above `banRate` bans at once
 *   ("Meta may limit or offboard your business if your account receives excessive negative feedback").
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/policy-enforcement
 *
 * Thresholds are model parameters: Meta publishes none.
 */
import { HOUR, type Duration, type FeedbackKind, type Instant } from '../../core/index.ts';
import type { ModelParameters } from './parameters.ts';

// Module-local copies of core's units: they are read for every message.
const HOUR_MS = HOUR;

export type EnforcementEvent =
  | { readonly kind: 'rate-limited'; readonly at: Instant; readonly until: Instant }
  | { readonly kind: 'warning'; readonly at: Instant; readonly strike: number }
  | { readonly kind: 'blocked'; readonly at: Instant; readonly until: Instant; readonly strike: number; readonly replies: boolean }
  | { readonly kind: 'banned'; readonly at: Instant; readonly strike: number; readonly severe: boolean };

/** Deliveries and blocks + reports per hour (a ring as long as the longest window): plain counts, no weighting. */
class HourlyCounts {
  private readonly slots: number;
  private readonly hours: Float64Array;
  private readonly delivered: Float64Array;
  private readonly negative: Float64Array;

  constructor(span: Duration) {
    this.slots = Math.ceil(span / HOUR_MS) + 1;
    this.hours = new Float64Array(this.slots).fill(Number.NaN);
    this.delivered = new Float64Array(this.slots);
    this.negative = new Float64Array(this.slots);
  }

  add(at: Instant, negative: boolean): void {
    const hour = Math.floor(at / HOUR_MS);
    const slot = hour % this.slots;
    if (this.hours[slot] !== hour) {
      this.hours[slot] = hour;
      this.delivered[slot] = 0;
      this.negative[slot] = 0;
    }
    if (negative) this.negative[slot]! += 1;
    else this.delivered[slot]! += 1;
  }

  /** Blocks + reports per delivered message over the `window` before `at` (whole hours, as core's quality score counts). */
  rate(at: Instant, window: Duration): { rate: number; sample: number } {
    const now = Math.floor(at / HOUR_MS);
    let delivered = 0;
    let negative = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const hour = this.hours[slot]!;
      if (Number.isNaN(hour) || hour > now || (now - hour) * HOUR_MS >= window) continue;
      delivered += this.delivered[slot]!;
      negative += this.negative[slot]!;
    }
    return { rate: delivered > 0 ? negative / delivered : 0, sample: delivered };
  }
}

export class Enforcement {
  private readonly counts: HourlyCounts;
  private strikes: Instant[] = [];
  private lastStrikeAt = Number.NEGATIVE_INFINITY;
  private negativesSinceStrike = 0;
  private lastNegativeAt = Number.NEGATIVE_INFINITY;
  private readonly quietAfter: number;
  banned = false;
  blockedUntil = Number.NEGATIVE_INFINITY;
  rateLimitedUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly params: ModelParameters) {
    this.quietAfter = Math.max(params.spamLimit.window, params.enforcement.window) + HOUR_MS;
    this.counts = new HourlyCounts(this.quietAfter);
  }

  record(kind: FeedbackKind, at: Instant): void {
    if (kind !== 'delivered' && kind !== 'block' && kind !== 'report') return;
    this.counts.add(at, kind !== 'delivered');
    if (kind !== 'delivered') {
      this.negativesSinceStrike++;
      this.lastNegativeAt = at;
    }
  }

  isBlocked(at: Instant): boolean {
    return this.blockedUntil > at;
  }

  isRateLimited(at: Instant): boolean {
    return this.rateLimitedUntil > at;
  }

  /** Meta's periodic review of the number at `at`. */
  review(at: Instant): EnforcementEvent[] {
    // No block or report left in either window: both rates are 0 and nothing can happen.
    if (this.banned || at - this.lastNegativeAt > this.quietAfter) return [];
    const events: EnforcementEvent[] = [];
    const { spamLimit, enforcement: e } = this.params;
    if (!this.isRateLimited(at)) {
      const { rate, sample } = this.counts.rate(at, spamLimit.window);
      if (sample >= spamLimit.minSample && rate >= spamLimit.rate) {
        this.rateLimitedUntil = at + spamLimit.cooldown;
        events.push({ kind: 'rate-limited', at, until: this.rateLimitedUntil });
      }
    }
    const { rate, sample } = this.counts.rate(at, e.window);
    this.strikes = this.strikes.filter((t) => at - t < e.memory);
    if (sample >= e.banMinSample && rate >= e.banRate) {
      this.ban(at, events, true);
      return events;
    }
    const due = sample >= e.minSample && rate >= e.strikeRate && this.negativesSinceStrike >= e.minNewNegatives && at - this.lastStrikeAt >= e.spacing && !this.isBlocked(at);
    if (!due) return events;
    this.strikes.push(at);
    this.lastStrikeAt = at;
    this.negativesSinceStrike = 0;
    const strike = this.strikes.length;
    if (strike === 1) events.push({ kind: 'warning', at, strike });
    else if (strike === 2) this.block(at, e.firstBlock, false, strike, events);
    else if (strike === 3) this.block(at, e.secondBlock, true, strike, events);
    else this.ban(at, events, false);
    return events;
  }

  /** A forced ban or un-ban (a scenario event). */
  force(status: 'BANNED' | 'CONNECTED', at: Instant): void {
    if (status === 'BANNED') this.banned = true;
    else {
      this.banned = false;
      this.blockedUntil = Math.min(this.blockedUntil, at);
      this.rateLimitedUntil = Math.min(this.rateLimitedUntil, at);
    }
  }

  private block(at: Instant, span: number, replies: boolean, strike: number, events: EnforcementEvent[]): void {
    this.blockedUntil = at + span;
    events.push({ kind: 'blocked', at, until: this.blockedUntil, strike, replies });
  }

  private ban(at: Instant, events: EnforcementEvent[], severe: boolean): void {
    this.banned = true;
    events.push({ kind: 'banned', at, strike: this.strikes.length, severe });
  }
}
