/**
 * A model of the quality rating Meta computes for a number: how the last 7 days of messages were
 * received, weighted by recency (blocks, reports, mutes, the reasons given when blocking; seed 003
 * adds ignored messages). Meta publishes no thresholds or weights, so every number here is a
 * parameter with a documented default; third-party guidance says a negative-feedback rate of
 * 1-2 % already pulls the rating down quickly.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits#quality-rating
 *
 * Feedback lands in hourly buckets (a ring of 7 × 24 + 1), so recording is O(1) and scoring is
 * O(168) whatever the volume: a 7-day window of a million messages costs the same as of ten.
 */
import { describe, invalidArgument } from './errors.ts';
import type { QualityRating } from './quality.ts';
import { DAY, HOUR, type Duration, type Instant } from './time.ts';

export const FEEDBACK_KINDS = ['delivered', 'read', 'reply', 'block', 'report', 'mute', 'ignore'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export interface QualityParameters {
  /** How far back feedback counts (Meta: the last 7 days). */
  readonly lookback: Duration;
  /** Recency weighting: feedback this old counts half. Default 2 days: the last day or two dominate. */
  readonly halfLife: Duration;
  /** Weight of each kind in the negative score; negative weights are credit (engagement). */
  readonly weights: Readonly<Record<Exclude<FeedbackKind, 'delivered'>, number>>;
  /** Weighted negative rate per delivered message at or above which the rating is MEDIUM. */
  readonly mediumAt: number;
  /** ... and LOW. */
  readonly lowAt: number;
  /** Below this many (weighted) delivered messages the number stays unrated (UNKNOWN, or its last rating). */
  readonly minSample: number;
}

/**
 * Defaults: a report is worse than a block (it also names spam); a mute is a mild block; an
 * ignored message a faint signal; a reply is credit. With these, 1 % blocks gives MEDIUM and 2 % LOW,
 * the third-party rule of thumb.
 */
export const DEFAULT_QUALITY_PARAMETERS: QualityParameters = {
  lookback: 7 * DAY,
  halfLife: 2 * DAY,
  weights: { block: 1, report: 2, mute: 0.3, ignore: 0.002, read: 0, reply: -0.05 },
  mediumAt: 0.01,
  lowAt: 0.02,
  minSample: 100,
};

export function qualityParameters(overrides: Partial<QualityParameters> = {}): QualityParameters {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw invalidArgument('quality parameters', `got ${describe(overrides)}, expected an object of overrides like { halfLife, mediumAt, lowAt }`);
  }
  if (overrides.weights !== undefined && (overrides.weights === null || typeof overrides.weights !== 'object')) {
    throw invalidArgument('quality.weights', `got ${describe(overrides.weights)}, expected an object like { block: 1, report: 2 }`);
  }
  for (const [k, v] of Object.entries(overrides.weights ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(`quality.weights.${k}`, `got ${describe(v)}, expected a finite number`);
  }
  const p = { ...DEFAULT_QUALITY_PARAMETERS, ...overrides, weights: { ...DEFAULT_QUALITY_PARAMETERS.weights, ...(overrides.weights ?? {}) } };
  if (typeof p.lookback !== 'number' || !(p.lookback >= HOUR)) throw invalidArgument('quality.lookback', `got ${describe(p.lookback)}, expected at least one hour in ms`);
  if (typeof p.halfLife !== 'number' || !(p.halfLife > 0)) throw invalidArgument('quality.halfLife', `got ${describe(p.halfLife)}, expected a positive duration in ms`);
  if (typeof p.mediumAt !== 'number' || typeof p.lowAt !== 'number' || !(p.mediumAt > 0 && p.lowAt > p.mediumAt)) throw invalidArgument('quality thresholds', `got mediumAt ${describe(p.mediumAt)}, lowAt ${describe(p.lowAt)}; expected 0 < mediumAt < lowAt`);
  if (typeof p.minSample !== 'number' || !(p.minSample >= 0)) throw invalidArgument('quality.minSample', `got ${describe(p.minSample)}, expected a count >= 0`);
  return p;
}

export class QualityScore {
  private readonly slots: number;
  private readonly hours: Float64Array;
  private readonly counts: Float64Array[];
  private lastHour = Number.NEGATIVE_INFINITY;
  /** Recency weight by age in whole hours: computed once, not per slot per call. */
  private readonly weightByAge: Float64Array;
  private readonly kindWeights: Float64Array;

  constructor(readonly params: QualityParameters = DEFAULT_QUALITY_PARAMETERS) {
    this.slots = Math.ceil(params.lookback / HOUR) + 1;
    this.hours = new Float64Array(this.slots).fill(Number.NaN);
    this.counts = FEEDBACK_KINDS.map(() => new Float64Array(this.slots));
    this.weightByAge = Float64Array.from({ length: this.slots }, (_, age) => Math.pow(0.5, (age * HOUR) / params.halfLife));
    this.kindWeights = Float64Array.from(FEEDBACK_KINDS, (k) => (k === 'delivered' ? 0 : params.weights[k]));
  }

  record(kind: FeedbackKind, at: Instant, n = 1): void {
    const hour = Math.floor(at / HOUR);
    if (hour < this.lastHour - this.slots + 1) return; // older than the window: it no longer counts
    this.lastHour = Math.max(this.lastHour, hour);
    const slot = ((hour % this.slots) + this.slots) % this.slots;
    if (this.hours[slot] !== hour) {
      this.hours[slot] = hour;
      for (const c of this.counts) c[slot] = 0;
    }
    this.counts[FEEDBACK_KINDS.indexOf(kind)]![slot]! += n;
  }

  /** The weighted negative-feedback rate per delivered message at `at` (0 when nothing counts). */
  negativeRate(at: Instant): { rate: number; sample: number } {
    const { lookback } = this.params;
    let negative = 0;
    let delivered = 0;
    const nowHour = Math.floor(at / HOUR);
    for (let slot = 0; slot < this.slots; slot++) {
      const hour = this.hours[slot]!;
      const age = nowHour - hour;
      if (Number.isNaN(hour) || age < 0 || age * HOUR >= lookback) continue;
      const w = this.weightByAge[age]!;
      delivered += w * this.counts[0]![slot]!;
      for (let k = 1; k < this.counts.length; k++) negative += w * this.kindWeights[k]! * this.counts[k]![slot]!;
    }
    return { rate: delivered > 0 ? Math.max(0, negative) / delivered : 0, sample: delivered };
  }

  /** The rating at `at`; `previous` is kept while the sample is too small to judge. */
  rating(at: Instant, previous: QualityRating = 'UNKNOWN'): QualityRating {
    const { rate, sample } = this.negativeRate(at);
    if (sample < this.params.minSample) return previous;
    if (rate >= this.params.lowAt) return 'LOW';
    if (rate >= this.params.mediumAt) return 'MEDIUM';
    return 'HIGH';
  }
}
