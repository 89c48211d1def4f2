/**
 * What Meta does to a template once it is sending: pausing on low quality, and pacing.
 *
 * Pausing: a template whose quality falls to RED is paused 3 h the first time, 6 h the second, and
 * disabled the third. Sends to a paused template fail 132015, to a disabled one 132016. When a
 * pause ends the template is APPROVED again and, for marketing, paced as "recently unpaused".
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing
 *
 * Pacing: new, recently unpaused and not-GREEN marketing templates are paced: after a threshold
 * further messages are held (`held_for_quality_assessment`) until Meta has enough feedback; a good
 * signal releases them, a bad one pauses the template and the held messages fail 132015.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing
 *
 * Pure: `step(state, input)` returns the new state and the events, in time order. Every input
 * first brings the template up to its time, so a pause that ended lands at its own instant.
 */
import { CoreError, invalidArgument } from './errors.ts';
import type { QualityRating } from './quality.ts';
import type { TemplateCategory, TemplateStatus } from './template.ts';
import { HOUR, type Duration, type Instant } from './time.ts';

export interface TemplateLifecycleOptions {
  /**
   * Sends let through before a paced template's messages are held. Meta does not publish it
   * (third-party guides say "a small subset of the audience"). 1000 by default: at the 1–2 %
   * negative-feedback rates that already pull a rating down, 1000 sends give 10–20 negative
   * signals, enough to judge and few enough to cap the damage of a bad template.
   */
  readonly pacingThreshold: number;
  /** One pause per entry; the next RED after the last one disables. Meta: 3 h, then 6 h. */
  readonly pauseDurations: readonly Duration[];
}

export const DEFAULT_TEMPLATE_LIFECYCLE_OPTIONS: TemplateLifecycleOptions = { pacingThreshold: 1000, pauseDurations: [3 * HOUR, 6 * HOUR] };

/**
 * Pacing is episodic: an episode starts on an edge (creation, unpause, a rating that moves to a
 * non-GREEN value) and ends with an assessment. A template rated YELLOW that already passed an
 * assessment is not paced again until its rating changes; Meta does not say, and re-pacing on
 * every unchanged rating would hold campaigns forever.
 */
export type PacingReason = 'new' | 'unpaused' | 'quality';
export type Pacing =
  | { readonly phase: 'off' }
  | { readonly phase: 'sampling'; readonly reason: PacingReason; readonly sent: number }
  | { readonly phase: 'holding'; readonly reason: PacingReason; readonly sent: number; readonly held: number };

export interface TemplateLifecycleState {
  readonly category: TemplateCategory;
  readonly status: TemplateStatus;
  readonly quality: QualityRating;
  /** Pauses so far. Meta documents no window after which the count resets, so it never does. */
  readonly pauses: number;
  readonly pausedUntil?: Instant;
  readonly pacing: Pacing;
  readonly options: TemplateLifecycleOptions;
  readonly at: Instant;
}

export type TemplateInput =
  | { readonly kind: 'quality-rated'; readonly quality: QualityRating; readonly at: Instant }
  /** One send was accepted (check `canSend` first; it tells whether this send is held). */
  | { readonly kind: 'sent'; readonly at: Instant }
  /** Meta's assessment of a paced template. A bad verdict pauses like a RED rating. */
  | { readonly kind: 'assessed'; readonly verdict: 'good' | 'bad'; readonly at: Instant }
  | { readonly kind: 'tick'; readonly at: Instant };

export type TemplateEvent =
  | { readonly kind: 'paused'; readonly at: Instant; readonly until: Instant; readonly pause: number; readonly cause: 'quality' | 'assessment'; readonly failedHeld: number }
  | { readonly kind: 'unpaused'; readonly at: Instant }
  | { readonly kind: 'disabled'; readonly at: Instant; readonly cause: 'quality' | 'assessment'; readonly failedHeld: number }
  | { readonly kind: 'pacing-started'; readonly at: Instant; readonly reason: PacingReason; readonly threshold: number }
  | { readonly kind: 'held'; readonly at: Instant; readonly held: number }
  | { readonly kind: 'released'; readonly at: Instant; readonly released: number };

export interface TemplateStep {
  readonly state: TemplateLifecycleState;
  readonly events: readonly TemplateEvent[];
}

export type SendCheck =
  | { readonly ok: true; readonly held: boolean }
  | { readonly ok: false; readonly metaCode: 132015 | 132016 | 132001; readonly reason: string };

export interface TemplateLifecycleSpec {
  readonly category: TemplateCategory;
  readonly at: Instant;
  readonly status?: TemplateStatus;
  readonly quality?: QualityRating;
  readonly pauses?: number;
  /** Required when status is PAUSED. */
  readonly pausedUntil?: Instant;
  /** False for a template that has been sending for a while (not paced as new). */
  readonly isNew?: boolean;
}

export function createTemplateLifecycle(spec: TemplateLifecycleSpec, options: Partial<TemplateLifecycleOptions> = {}): TemplateLifecycleState {
  const opts = { ...DEFAULT_TEMPLATE_LIFECYCLE_OPTIONS, ...options };
  if (!Number.isSafeInteger(opts.pacingThreshold) || opts.pacingThreshold < 0) throw invalidArgument('template lifecycle: pacingThreshold', `got ${opts.pacingThreshold}, expected a non-negative integer`);
  if (!Array.isArray(opts.pauseDurations) || opts.pauseDurations.some((d) => !(Number.isFinite(d) && d > 0))) throw invalidArgument('template lifecycle: pauseDurations', 'expected an array of positive durations in ms, like [3 * HOUR, 6 * HOUR]');
  if (!Number.isFinite(spec.at)) throw invalidArgument('template lifecycle: at', `got ${spec.at}, expected an instant in ms`);
  const status = spec.status ?? 'APPROVED';
  const pauses = spec.pauses ?? 0;
  if (!Number.isSafeInteger(pauses) || pauses < 0 || pauses > opts.pauseDurations.length) throw invalidArgument('template lifecycle: pauses', `got ${pauses}, expected 0 to ${opts.pauseDurations.length}`);
  if (status === 'PAUSED' && !(spec.pausedUntil !== undefined && spec.pausedUntil > spec.at)) throw invalidArgument('template lifecycle: pausedUntil', `got ${spec.pausedUntil}, expected the end of the pause, after ${spec.at}, for a PAUSED template`);
  const quality = spec.quality ?? 'UNKNOWN';
  const base: TemplateLifecycleState = {
    category: spec.category, status, quality, pauses, pacing: { phase: 'off' }, options: opts, at: spec.at,
    ...(status === 'PAUSED' ? { pausedUntil: spec.pausedUntil } : {}),
  };
  const reason: PacingReason | undefined = (spec.isNew ?? true) ? 'new' : quality !== 'HIGH' ? 'quality' : undefined;
  return reason && pacedCategory(base) && status === 'APPROVED' ? { ...base, pacing: { phase: 'sampling', reason, sent: 0 } } : base;
}

/** When the template changes by itself (a pause ends), or undefined. Schedule a `tick` there. */
export function nextDeadline(state: TemplateLifecycleState): Instant | undefined {
  return state.status === 'PAUSED' ? state.pausedUntil : undefined;
}

/** Whether a send at `at` goes out, is held by pacing, or fails with Meta's code. */
export function canSend(state: TemplateLifecycleState, at: Instant): SendCheck {
  const s = advanceTo(checkTime(state, at), at, []);
  if (s.status === 'APPROVED') return { ok: true, held: wouldHold(s) };
  if (s.status === 'PAUSED') return { ok: false, metaCode: 132015, reason: `template paused until ${s.pausedUntil} (pause ${s.pauses} of ${s.options.pauseDurations.length}) for low quality` };
  if (s.status === 'DISABLED') return { ok: false, metaCode: 132016, reason: 'template disabled for low quality: edit and resubmit it, or use another template' };
  return { ok: false, metaCode: 132001, reason: `template is ${s.status}, expected APPROVED` };
}

export function step(state: TemplateLifecycleState, input: TemplateInput): TemplateStep {
  const events: TemplateEvent[] = [];
  let s = advanceTo(checkTime(state, input.at), input.at, events);
  switch (input.kind) {
    case 'tick':
      break;
    case 'quality-rated':
      s = rate(s, input.quality, input.at, events);
      break;
    case 'assessed':
      if (s.status !== 'APPROVED') break;
      if (input.verdict === 'bad') s = pause({ ...s, quality: 'LOW' }, input.at, 'assessment', events);
      else if (s.pacing.phase !== 'off') {
        events.push({ kind: 'released', at: input.at, released: s.pacing.phase === 'holding' ? s.pacing.held : 0 });
        s = { ...s, pacing: { phase: 'off' } };
      }
      break;
    case 'sent':
      s = send(s, input.at, events);
      break;
  }
  return { state: s, events };
}

function checkTime(state: TemplateLifecycleState, at: Instant): TemplateLifecycleState {
  if (!(at >= state.at)) throw invalidArgument('template input time', `went backwards from ${state.at} to ${at}; expected non-decreasing instants`);
  return state;
}

const pacedCategory = (s: TemplateLifecycleState) => s.category === 'MARKETING';

function wouldHold(s: TemplateLifecycleState): boolean {
  return s.pacing.phase === 'holding' || (s.pacing.phase === 'sampling' && s.pacing.sent >= s.options.pacingThreshold);
}

function advanceTo(s: TemplateLifecycleState, to: Instant, events: TemplateEvent[]): TemplateLifecycleState {
  if (s.status !== 'PAUSED' || s.pausedUntil === undefined || s.pausedUntil > to) return { ...s, at: to };
  const at = s.pausedUntil;
  events.push({ kind: 'unpaused', at });
  const { pausedUntil: _ended, ...rest } = s;
  const unpaused: TemplateLifecycleState = { ...rest, status: 'APPROVED', at: to };
  return pacedCategory(unpaused) ? startPacing(unpaused, 'unpaused', at, events) : unpaused;
}

function startPacing(s: TemplateLifecycleState, reason: PacingReason, at: Instant, events: TemplateEvent[]): TemplateLifecycleState {
  events.push({ kind: 'pacing-started', at, reason, threshold: s.options.pacingThreshold });
  return { ...s, pacing: { phase: 'sampling', reason, sent: 0 } };
}

function rate(s: TemplateLifecycleState, quality: QualityRating, at: Instant, events: TemplateEvent[]): TemplateLifecycleState {
  const before = s.quality;
  const next: TemplateLifecycleState = { ...s, quality };
  if (s.status !== 'APPROVED') return next;
  // Every RED rating of an APPROVED template pauses it, even a repeated one: after an unpause the
  // rating may still read RED, and Meta's next RED verdict is what pauses it again.
  if (quality === 'LOW') return pause(next, at, 'quality', events);
  if (quality !== 'HIGH' && quality !== before && next.pacing.phase === 'off' && pacedCategory(next)) return startPacing(next, 'quality', at, events);
  return next;
}

function pause(s: TemplateLifecycleState, at: Instant, cause: 'quality' | 'assessment', events: TemplateEvent[]): TemplateLifecycleState {
  const failedHeld = s.pacing.phase === 'holding' ? s.pacing.held : 0;
  const durations = s.options.pauseDurations;
  if (s.pauses >= durations.length) {
    events.push({ kind: 'disabled', at, cause, failedHeld });
    return { ...s, status: 'DISABLED', pacing: { phase: 'off' } };
  }
  const until = at + durations[s.pauses]!;
  events.push({ kind: 'paused', at, until, pause: s.pauses + 1, cause, failedHeld });
  return { ...s, status: 'PAUSED', pauses: s.pauses + 1, pausedUntil: until, pacing: { phase: 'off' } };
}

function send(s: TemplateLifecycleState, at: Instant, events: TemplateEvent[]): TemplateLifecycleState {
  if (s.status !== 'APPROVED') {
    const check = canSend(s, at);
    const why = check.ok ? '' : ` (Meta answers ${check.metaCode}: ${check.reason})`;
    throw new CoreError('WA_ILLEGAL_TRANSITION', `template send at ${at}: the template is ${s.status}${why}; expected canSend to be checked before recording a send`, { status: s.status, at });
  }
  const p = s.pacing;
  if (p.phase === 'off') return s;
  if (p.phase === 'sampling' && p.sent < s.options.pacingThreshold) return { ...s, pacing: { ...p, sent: p.sent + 1 } };
  const held = p.phase === 'holding' ? p.held + 1 : 1;
  events.push({ kind: 'held', at, held });
  return { ...s, pacing: { phase: 'holding', reason: p.reason, sent: p.sent, held } };
}
