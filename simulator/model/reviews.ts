/**
 * Meta's judgement of what the numbers send: every feedback signal lands in each number's quality
 * score (core's QualityScore: 7 days, recency-weighted), in the template's score and in the
 * enforcement windows; Meta re-rates every `rating.interval`, and sooner (`rating.burstDelay`)
 * after a burst of `rating.burstNegatives` negative signals ("at high volume it can change within
 * minutes", seed 003). A rating moves the number's holder (FLAGGED, upgrades); a review may bring
 * the spam rate limit or a rung of the enforcement ladder.
 *
 * A forced quality (a scenario event) holds until feedback received after it: until then the
 * periodic rating leaves the number's quality alone.
 */
import { HOUR, QualityScore, type FeedbackKind, type Instant, type QualityRating } from '../../core/index.ts';
import type { TemplateEvent } from '../../core/template-lifecycle.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { Enforcement, EnforcementEvent } from './enforcement.ts';
import type { LimitBooks } from './limit-books.ts';
import type { ModelParameters } from './parameters.ts';
import type { Recorder } from './recorder.ts';
import type { TemplateModel } from './template-model.ts';

export class Reviews {
  private readonly scores: QualityScore[];
  private readonly forcedAt: number[];
  private readonly negatives: number[];
  private readonly early: boolean[];
  /**
   * When the number last had feedback in this run. Once all of it has aged out of the lookback the
   * number is unrated again (UNKNOWN) rather than stuck at its last rating: feedback that old says
   * nothing any more. A number that has not sent yet keeps the rating it came with.
   */
  private readonly lastFeedbackAt: number[];
  /** Called with the template's events (the platform fails or releases held messages). */
  onTemplateEvents: (events: readonly TemplateEvent[], at: Instant) => void = () => {};

  constructor(
    private readonly sim: Simulation,
    private readonly params: ModelParameters,
    private readonly books: LimitBooks,
    private readonly enforcement: readonly Enforcement[],
    private readonly template: TemplateModel,
    private readonly recorder: Recorder,
  ) {
    this.scores = enforcement.map(() => new QualityScore(params.quality));
    this.forcedAt = enforcement.map(() => Number.NaN);
    this.negatives = enforcement.map(() => 0);
    this.early = enforcement.map(() => false);
    this.lastFeedbackAt = enforcement.map(() => Number.POSITIVE_INFINITY);
  }

  /** Start the periodic rating, the first one interval after `at`. */
  start(at: Instant): void {
    const tick = (s: Simulation) => {
      for (let n = 0; n < this.scores.length; n++) this.rate(n, s.now);
      this.onTemplateEvents(this.template.rate(s.now), s.now);
      s.schedule(this.params.rating.interval, tick);
    };
    this.sim.at(at + this.params.rating.interval, tick);
  }

  record(n: number, kind: FeedbackKind, at: Instant): void {
    this.scores[n]!.record(kind, at);
    this.lastFeedbackAt[n] = at;
    this.template.record(kind, at);
    this.enforcement[n]!.record(kind, at);
    if (at > this.forcedAt[n]!) this.forcedAt[n] = Number.NaN;
    if (kind === 'block' || kind === 'report' || kind === 'mute') {
      this.negatives[n]!++;
      if (this.negatives[n]! >= this.params.rating.burstNegatives && !this.early[n]) {
        this.early[n] = true;
        this.sim.schedule(this.params.rating.burstDelay, (s) => this.rate(n, s.now));
      }
    }
  }

  /** A forced quality: set now, held until feedback arrives after `at`. */
  force(n: number, quality: QualityRating, at: Instant): void {
    this.forcedAt[n] = at;
    this.books.rate(n, quality, at);
  }

  /** Meta re-rates number `n` and reviews its conduct. */
  rate(n: number, at: Instant): void {
    this.negatives[n] = 0;
    this.early[n] = false;
    if (Number.isNaN(this.forcedAt[n]!)) {
      // All of the number's feedback has aged out of the lookback: unrated again (see lastFeedbackAt).
      const agedOut = at - this.lastFeedbackAt[n]! > this.params.quality.lookback + HOUR;
      this.books.rate(n, agedOut ? 'UNKNOWN' : this.scores[n]!.rating(at, this.books.quality[n]!), at);
    }
    for (const e of this.enforcement[n]!.review(at)) this.apply(n, e);
  }

  private apply(n: number, e: EnforcementEvent): void {
    this.recorder.enforced(this.books.id(n), e);
    this.books.refresh(n, e.at);
    if (e.kind === 'rate-limited' || e.kind === 'blocked') this.books.refreshAt(n, e.until);
  }
}
