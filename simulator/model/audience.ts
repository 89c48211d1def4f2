/**
 * The recipients: segments of up to millions of people, each a slot in typed arrays (never one
 * object per person). A recipient's id is `<segment>:<index>`, stable across runs, so core's
 * LimitAccount can count unique recipients.
 *
 * Normal segments draw from the run's "recipients" stream. Silent segments draw nothing: who is on
 * WhatsApp or offline is spread over the segment by a fixed low-discrepancy sequence (the same
 * recipients every run, in the segment's proportions), and nobody ever reacts, so a silent run is
 * the same whatever the seed.
 */
import { invalidArgument } from '../../core/errors.ts';
import type { Duration, Instant } from '../../core/index.ts';
import type { Random } from '../engine/random.ts';
import type { Segment } from '../scenario/scenario.ts';
import type { ModelParameters } from './parameters.ts';

const RESOLVED = 1;
const UNREACHABLE = 2;
const BLOCKED = 4;
const STOPPED = 8;
const SEEN = 16;

/** What a person does with a delivered message, most severe last. */
export const REACTIONS = ['none', 'reply', 'stop', 'mute', 'block', 'report'] as const;
export type ReactionKind = (typeof REACTIONS)[number];

export interface Reaction {
  readonly kind: ReactionKind;
  readonly read: boolean;
  /** From delivery to the read (and the reaction). */
  readonly delay: Duration;
}

export type Arrival =
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'online' }
  | { readonly kind: 'offline'; readonly until: Instant; readonly queuedBehind: boolean };

const NO_REACTION: Reaction = { kind: 'none', read: false, delay: 0 };
const UNREACHABLE_ARRIVAL: Arrival = { kind: 'unreachable' };
const ONLINE: Arrival = { kind: 'online' };

/** Weyl sequences: frac(k·α) spreads k = 1, 2, … evenly over [0, 1): a fixed, seed-free stand-in for a draw. */
export const weyl = (k: number, alpha: number): number => ((k + 1) * alpha) % 1;
const ALPHA_WHATSAPP = 0.6180339887498949;
const ALPHA_OFFLINE = 0.41421356237309515;
export const ALPHA_MARKETING = 0.7320508075688772;

export class Audience {
  readonly size: number;
  /** Segment k holds recipients offsets[k] .. offsets[k + 1] - 1. */
  readonly offsets: Int32Array;
  private readonly flags: Uint8Array;
  private readonly lastSentAt: Float64Array;
  /** Messages from the business, forgotten exponentially over the fatigue window. */
  private readonly recent: Float32Array;
  private readonly offlineUntil: Float64Array;

  constructor(readonly segments: readonly Segment[], private readonly params: ModelParameters, private readonly rng: Random) {
    if (segments.length === 0) throw invalidArgument('audience', 'expected at least one segment');
    this.offsets = new Int32Array(segments.length + 1);
    let total = 0;
    segments.forEach((s, k) => {
      if (!(Number.isInteger(s.size) && s.size > 0)) throw invalidArgument(`audience segment ${s.name}`, `size ${s.size}, expected a whole number > 0`);
      total += s.size;
      this.offsets[k + 1] = total;
    });
    this.size = total;
    this.flags = new Uint8Array(total);
    this.lastSentAt = new Float64Array(total).fill(Number.NEGATIVE_INFINITY);
    this.recent = new Float32Array(total);
    this.offlineUntil = new Float64Array(total);
  }

  segmentIndex(name: string): number {
    const k = this.segments.findIndex((s) => s.name === name);
    if (k < 0) throw invalidArgument('segment', `${JSON.stringify(name)} is not in the audience; expected one of ${this.segments.map((s) => s.name).join(', ')}`);
    return k;
  }

  segmentOf(i: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  id(i: number): string {
    const k = this.segmentOf(i);
    return `${this.segments[k]!.name}:${i - this.offsets[k]!}`;
  }

  isSilent(i: number): boolean {
    return this.segments[this.segmentOf(i)]!.behaviour === 'silent';
  }

  isStopped(i: number): boolean {
    return (this.flags[i]! & STOPPED) !== 0;
  }

  /** Seconds since the last message to this person (for the pair rate), Infinity when none. */
  sinceLastSend(i: number, at: Instant): number {
    return at - this.lastSentAt[i]!;
  }

  /**
   * Note a message from the business to `i` at `at`; returns how many earlier messages still
   * weigh on the person (0 for the first in a long while).
   */
  noteSent(i: number, at: Instant): number {
    const last = this.lastSentAt[i]!;
    const earlier = last === Number.NEGATIVE_INFINITY ? 0 : this.recent[i]! * Math.exp(-(at - last) / this.params.fatigue.window);
    this.recent[i] = earlier + 1;
    this.lastSentAt[i] = at;
    return earlier;
  }

  /** Where a message accepted at `at` goes: nowhere (not on WhatsApp, blocked us), the phone now, or a queue until reconnect. */
  arrive(i: number, at: Instant): Arrival {
    const seg = this.segments[this.segmentOf(i)]!;
    const silent = seg.behaviour === 'silent';
    let f = this.flags[i]!;
    if ((f & RESOLVED) === 0) {
      const on = silent ? weyl(i, ALPHA_WHATSAPP) < seg.onWhatsApp : draw(this.rng, seg.onWhatsApp);
      f |= RESOLVED | (on ? 0 : UNREACHABLE);
    }
    const firstArrival = (f & SEEN) === 0;
    this.flags[i] = f | SEEN;
    if ((f & (UNREACHABLE | BLOCKED)) !== 0) return UNREACHABLE_ARRIVAL;
    const until = this.offlineUntil[i]!;
    if (until > at) return { kind: 'offline', until, queuedBehind: true };
    const goesOffline = silent ? firstArrival && weyl(i, ALPHA_OFFLINE) < seg.offline : draw(this.rng, seg.offline);
    if (!goesOffline) return ONLINE;
    const back = at + (silent ? seg.reconnectMean : this.rng.exponential(seg.reconnectMean));
    this.offlineUntil[i] = back;
    return { kind: 'offline', until: back, queuedBehind: false };
  }

  /**
   * How `i` reacts to a delivered message. `negative` multiplies block, report, mute and STOP
   * (fatigue, the number's scrutiny); `reportBoost` multiplies reports only (a pile of identical
   * messages delivered at once). The segment's opt-in multiplies on top.
   */
  react(i: number, negative: number, reportBoost: number): Reaction {
    const seg = this.segments[this.segmentOf(i)]!;
    if (seg.behaviour === 'silent') return NO_REACTION;
    const neg = negative * this.params.feedback.optIn[seg.optIn];
    let pReport = seg.report * neg * reportBoost;
    let pBlock = seg.block * neg;
    let pMute = this.params.feedback.mute * neg;
    let pStop = seg.stop * neg;
    let pReply = seg.reply;
    const sum = pReport + pBlock + pMute + pStop + pReply;
    if (sum > 1) {
      pReport /= sum; pBlock /= sum; pMute /= sum; pStop /= sum; pReply /= sum;
    }
    const u = this.rng.next();
    let kind: ReactionKind = 'none';
    if (u < pReport) kind = 'report';
    else if (u < pReport + pBlock) kind = 'block';
    else if (u < pReport + pBlock + pMute) kind = 'mute';
    else if (u < pReport + pBlock + pMute + pStop) kind = 'stop';
    else if (u < pReport + pBlock + pMute + pStop + pReply) kind = 'reply';
    // Replies and STOPs need the message read; otherwise reads keep the segment's overall rate.
    const readOtherwise = pReply + pStop < 1 ? Math.min(1, Math.max(0, (seg.read - pReply - pStop) / (1 - pReply - pStop))) : 0;
    const read = kind === 'reply' || kind === 'stop' || draw(this.rng, readOtherwise);
    if (kind === 'block' || kind === 'report') this.flags[i]! |= BLOCKED;
    if (kind === 'stop') this.flags[i]! |= STOPPED;
    if (kind === 'none' && !read) return { kind, read, delay: 0 };
    return { kind, read, delay: this.rng.exponential(this.params.feedback.readDelayMean) };
  }
}

/** A Bernoulli draw that consumes no randomness when the outcome is certain. */
export function draw(rng: Random, p: number): boolean {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return rng.next() < p;
}
