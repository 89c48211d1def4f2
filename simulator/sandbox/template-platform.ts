/**
 * Meta's side of templates while they send, as the simulator's template model has it: each
 * template's own quality score from the feedback its messages draw, re-rated at every review
 * (a changed rating passes on; an unchanged RED one again only after new deliveries, which is what
 * pauses a template a second time), pausing and disabling on RED (core's lifecycle), and pacing:
 * messages held for quality assessment, then released or failed 132015.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing
 */
import type { QualityRating } from '../../core/quality.ts';
import { QualityScore, type FeedbackKind } from '../../core/quality-score.ts';
import type { TemplateEvent } from '../../core/template-lifecycle.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { CatalogEntry, TemplateCatalog } from './template-catalog.ts';
import type { WorldEvent } from './world.ts';
import type { SandboxWorldParameters } from './world-parameters.ts';

export interface HeldHooks<M> {
  release(message: M): void;
  fail(message: M, code: 132015): void;
  emit(event: WorldEvent): void;
}

interface TemplateBooks<M> {
  readonly score: QualityScore;
  rating: QualityRating;
  deliveredSinceRating: number;
  held: M[];
  deadline?: number;
}

export class TemplatePlatform<M> {
  private readonly books = new Map<CatalogEntry, TemplateBooks<M>>();

  constructor(
    private readonly sim: Simulation,
    readonly catalog: TemplateCatalog,
    private readonly params: SandboxWorldParameters,
    private readonly hooks: HeldHooks<M>,
  ) {}

  private of(entry: CatalogEntry): TemplateBooks<M> {
    let b = this.books.get(entry);
    if (!b) {
      b = { score: new QualityScore(this.params.model.quality), rating: entry.state.quality, deliveredSinceRating: 0, held: [] };
      this.books.set(entry, b);
    }
    return b;
  }

  /** Record an accepted send; a held one is released or failed later. */
  sent(entry: CatalogEntry, message: M, held: boolean): void {
    this.handle(entry, this.catalog.apply(entry, { kind: 'sent', at: this.sim.now }));
    if (held) this.of(entry).held.push(message);
  }

  feedback(entry: CatalogEntry, kind: FeedbackKind): void {
    const b = this.of(entry);
    b.score.record(kind, this.sim.now);
    if (kind === 'delivered') b.deliveredSinceRating++;
  }

  /** Meta's periodic rating of every template that has sent. */
  review(): void {
    const at = this.sim.now;
    for (const [entry, b] of this.books) {
      const next = b.score.negativeRate(at).sample === 0 ? b.rating : b.score.rating(at, b.rating);
      const again = next === 'LOW' && b.deliveredSinceRating > 0 && entry.state.status === 'APPROVED';
      if (next === b.rating && !again) continue;
      this.rate(entry, next);
    }
  }

  /** A new rating, from the review or forced (control route, tests): RED pauses. */
  rate(entry: CatalogEntry, quality: QualityRating): void {
    const b = this.of(entry);
    const previous = entry.state.quality;
    b.rating = quality;
    b.deliveredSinceRating = 0;
    if (previous !== quality) this.hooks.emit({ kind: 'template-quality', at: this.sim.now, templateId: entry.id, name: entry.def.name, language: entry.def.language, previous, next: quality });
    this.handle(entry, this.catalog.apply(entry, { kind: 'quality-rated', quality, at: this.sim.now }));
  }

  private handle(entry: CatalogEntry, events: readonly TemplateEvent[]): void {
    const b = this.of(entry);
    for (const e of events) {
      const base = { at: e.at, templateId: entry.id, name: entry.def.name, language: entry.def.language, category: entry.def.category };
      if (e.kind === 'paused' || e.kind === 'disabled') {
        const title = e.kind === 'paused' ? (e.pause === 1 ? 'FIRST_PAUSE' : 'SECOND_PAUSE') : 'DISABLED';
        this.hooks.emit({ kind: 'template-status', ...base, event: e.kind === 'paused' ? 'PAUSED' : 'DISABLED', reason: title, ...(e.kind === 'disabled' ? { disabledAt: e.at } : {}) });
        for (const m of b.held.splice(0)) this.hooks.fail(m, 132015);
      } else if (e.kind === 'unpaused') {
        this.hooks.emit({ kind: 'template-status', ...base, event: 'APPROVED', reason: 'NONE' });
      } else if (e.kind === 'held' && e.held === 1) {
        this.sim.schedule(this.params.model.templates.assessmentDelay, () => this.assess(entry));
      } else if (e.kind === 'released') {
        for (const m of b.held.splice(0)) this.hooks.release(m);
      }
    }
    const deadline = this.catalog.nextDeadline(entry);
    if (deadline !== undefined && deadline !== b.deadline) {
      b.deadline = deadline;
      this.sim.at(Math.max(deadline, this.sim.now), () => this.handle(entry, this.catalog.apply(entry, { kind: 'tick', at: this.sim.now })));
    }
  }

  /** Meta's verdict on a paced template (the simulator's rule): bad when its own messages rate LOW. */
  private assess(entry: CatalogEntry): void {
    if (entry.state.pacing.phase !== 'holding') return;
    const b = this.of(entry);
    const verdict = b.score.rating(this.sim.now, b.rating) === 'LOW' ? 'bad' : 'good';
    this.handle(entry, this.catalog.apply(entry, { kind: 'assessed', verdict, at: this.sim.now }));
  }
}
