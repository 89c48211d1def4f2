/**
 * How strange a number's sending looks, as a multiplier on the negative feedback its messages
 * draw. Meta publishes nothing of the kind; seed 003 describes the pattern it stands for: a burst in
 * a number's first days brings fast negative feedback, a gradual warm-up does not. Two parts:
 *
 * - novelty: a new number (one starting at the policy's first tier) is unknown to its recipients
 *   and has no history with Meta's classifiers. Its messages draw `newNumber` × the blocks and
 *   reports of an established number's, the excess halving every `halfLife` of its age.
 * - velocity: sending far above what the number sent before. The last 24 h's sends over the
 *   number's previous daily peak (at least `volumeFloor`), raised to `velocityExponent`, when
 *   above 1. A burst reaches the least engaged people of a list all at once; a ramp never has a day
 *   much above the day before.
 */
import { DAY, HOUR, type Instant } from '../../core/index.ts';
import type { ModelParameters } from './parameters.ts';

const SLOTS = 24;
// Module-local copies of core's units: they are read for every message.
const HOUR_MS = HOUR;
const DAY_MS = DAY;

class NumberVolume {
  firstSendAt = Number.NaN;
  /** Sends per hour over the last 24 hours (a ring) and their running sum. */
  readonly hours = new Float64Array(SLOTS);
  readonly counts = new Float64Array(SLOTS);
  last24h = 0;
  expiredAtHour = Number.NaN;
  /** The calendar day (from the run's start) being counted, its sends, and the peak of earlier days. */
  day = 0;
  today = 0;
  peak = 0;

  constructor(readonly isNew: boolean, readonly reference: number) {
    this.hours.fill(Number.NaN);
  }
}

export class Scrutiny {
  private readonly numbers: NumberVolume[];

  /**
   * `reference[n]`: a volume the number is known for already (an established number at 1K was
   * sending half its limit a day to get there); 0 for a new number.
   */
  constructor(private readonly params: ModelParameters['scrutiny'], private readonly start: Instant, spec: readonly { isNew: boolean; reference: number }[]) {
    this.numbers = spec.map((s) => new NumberVolume(s.isNew, s.reference));
  }

  /** Count one send by number `n` at `at` and return the multiplier for its message. */
  noteSend(n: number, at: Instant): number {
    const v = this.numbers[n]!;
    if (Number.isNaN(v.firstSendAt)) v.firstSendAt = at;
    const day = Math.floor((at - this.start) / DAY_MS);
    if (day !== v.day) {
      v.peak = Math.max(v.peak, v.today);
      v.today = 0;
      v.day = day;
    }
    v.today++;
    this.expire(v, at);
    const hour = Math.floor(at / HOUR_MS);
    const slot = ((hour % SLOTS) + SLOTS) % SLOTS;
    if (v.hours[slot] !== hour) {
      v.hours[slot] = hour;
      v.counts[slot] = 0;
    }
    v.counts[slot]! += 1;
    v.last24h += 1;
    return this.multiplier(n, at);
  }

  /** The multiplier for a message number `n` sends at `at` (after counting it). */
  multiplier(n: number, at: Instant): number {
    const v = this.numbers[n]!;
    const p = this.params;
    const age = Number.isNaN(v.firstSendAt) ? 0 : at - v.firstSendAt;
    const novelty = v.isNew ? 1 + (p.newNumber - 1) * Math.pow(0.5, age / p.halfLife) : 1;
    const baseline = Math.max(p.volumeFloor, v.peak, v.reference);
    const ratio = v.last24h / baseline;
    const velocity = ratio > 1 ? Math.pow(ratio, p.velocityExponent) : 1;
    return novelty * velocity;
  }

  private expire(v: NumberVolume, at: Instant): void {
    const nowHour = Math.floor(at / HOUR_MS);
    if (v.expiredAtHour === nowHour) return;
    v.expiredAtHour = nowHour;
    for (let slot = 0; slot < SLOTS; slot++) {
      const h = v.hours[slot]!;
      if (!Number.isNaN(h) && nowHour - h >= SLOTS) {
        v.last24h -= v.counts[slot]!;
        v.hours[slot] = Number.NaN;
        v.counts[slot] = 0;
      }
    }
  }
}
