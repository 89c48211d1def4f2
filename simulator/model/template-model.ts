/**
 * A template as Meta treats it while a plan sends it: core's lifecycle (RED → paused 3 h, 6 h,
 * then disabled; pacing of new or not-GREEN marketing templates) driven by a quality score of the
 * template's own messages, and the messages pacing holds until Meta's verdict.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing
 */
import { QualityScore, type FeedbackKind, type Instant, type QualityRating } from '../../core/index.ts';
import {
  canSend, createTemplateLifecycle, step, type SendCheck, type TemplateEvent, type TemplateLifecycleState,
} from '../../core/template-lifecycle.ts';
import type { TemplateSpec } from '../scenario/scenario.ts';
import type { ModelParameters } from './parameters.ts';

const PLAIN: SendCheck = { ok: true, held: false };
const NOT_HELD = { held: false, events: [] as readonly TemplateEvent[] };

export class TemplateModel {
  private state: TemplateLifecycleState;
  private readonly score: QualityScore;
  private rating: QualityRating;
  private sentSinceRating = 0;

  constructor(readonly spec: TemplateSpec, params: ModelParameters, at: Instant) {
    // A template rated UNKNOWN has not sent yet: it is new, and paced if it is a marketing one.
    this.state = createTemplateLifecycle(
      { category: spec.category, at, quality: spec.quality, isNew: spec.quality === 'UNKNOWN' },
      { pacingThreshold: params.templates.pacingThreshold },
    );
    this.score = new QualityScore(params.quality);
    this.rating = spec.quality;
  }

  get isMarketing(): boolean {
    return this.spec.category === 'MARKETING';
  }

  get status(): TemplateLifecycleState['status'] {
    return this.state.status;
  }

  check(at: Instant): SendCheck {
    // The common case, an approved template out of pacing, needs no trip through the lifecycle.
    return this.isPlain() ? PLAIN : canSend(this.state, at);
  }

  /** Record an accepted send; true when pacing holds it. */
  sent(at: Instant): { held: boolean; events: readonly TemplateEvent[] } {
    this.sentSinceRating++;
    if (this.isPlain()) return NOT_HELD;
    const { state, events } = step(this.state, { kind: 'sent', at });
    this.state = state;
    return { held: events.some((e) => e.kind === 'held'), events };
  }

  private isPlain(): boolean {
    return this.state.status === 'APPROVED' && this.state.pacing.phase === 'off';
  }

  record(kind: FeedbackKind, at: Instant): void {
    this.score.record(kind, at);
  }

  /**
   * Meta's periodic rating. A changed rating is passed on; an unchanged RED one again only once new
   * messages were sent since (after a pause ends and sending resumes): that is what pauses a
   * template a second time, while a template nobody sends is not paused again and again.
   */
  rate(at: Instant): readonly TemplateEvent[] {
    const next = this.score.rating(at, this.rating);
    const changed = next !== this.rating;
    const again = next === 'LOW' && this.sentSinceRating > 0 && this.state.status === 'APPROVED';
    this.rating = next;
    this.sentSinceRating = 0;
    if (!changed && !again) return this.tick(at);
    const { state, events } = step(this.state, { kind: 'quality-rated', quality: next, at });
    this.state = state;
    return events;
  }

  /** Meta's verdict on a paced template: bad when its own messages rate LOW. */
  assess(at: Instant): readonly TemplateEvent[] {
    const verdict = this.score.rating(at, this.rating) === 'LOW' ? 'bad' : 'good';
    const { state, events } = step(this.state, { kind: 'assessed', verdict, at });
    this.state = state;
    return events;
  }

  tick(at: Instant): readonly TemplateEvent[] {
    const { state, events } = step(this.state, { kind: 'tick', at });
    this.state = state;
    return events;
  }

  /** When a pause ends, or undefined. */
  nextChangeAt(): Instant | undefined {
    return this.state.status === 'PAUSED' ? this.state.pausedUntil : undefined;
  }
}
