/**
 * One business number as Meta's platform sees it: its per-second throughput, the pair rate to
 * each recipient, its quality score and rating, a forced status, and the model's enforcement (spam
 * rate limit, blocks, ban). Time is the world's virtual clock, passed in.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 */
import { canInitiate, type NumberStatus } from '../../core/phone-number.ts';
import type { QualityRating } from '../../core/quality.ts';
import { QualityScore } from '../../core/quality-score.ts';
import { SECOND, type Instant } from '../../core/time.ts';
import { Enforcement } from '../model/enforcement.ts';
import type { SandboxWorldParameters } from './world-parameters.ts';

export interface NumberSpec {
  readonly id: string;
  readonly display: string;
  readonly verifiedName: string;
  /** Messages per second; Infinity for no limit (benchmarks). */
  readonly throughputMps: number;
  readonly status?: NumberStatus;
  readonly quality?: QualityRating;
}

/** A refusal before acceptance: Meta answers the send request with this code. */
export interface Refusal {
  readonly code: number;
  readonly details: string;
}

interface PairBucket { tokens: number; at: Instant }

export class NumberPlatform {
  readonly score: QualityScore;
  readonly enforcement: Enforcement;
  quality: QualityRating;
  forcedStatus: NumberStatus | undefined;
  /** A forced rating holds until feedback arrives after it (as in the simulator's reviews). */
  forcedAt = Number.NaN;
  /** Negative signals since the last rating (an early re-rating after a burst of them). */
  negatives = 0;
  earlyRating = false;
  private readonly window: Instant[] = [];
  private windowHead = 0;
  private readonly pairs = new Map<string, PairBucket>();

  constructor(readonly spec: NumberSpec, private readonly params: SandboxWorldParameters) {
    this.score = new QualityScore(params.model.quality);
    this.enforcement = new Enforcement(params.model);
    this.quality = spec.quality ?? 'UNKNOWN';
    this.forcedStatus = spec.status === undefined || spec.status === 'CONNECTED' ? undefined : spec.status;
  }

  /** Refusals that come back in the send response, checked in Meta's order: account, throughput, pair. */
  refuse(waId: string, at: Instant): Refusal | undefined {
    const e = this.enforcement;
    const status = this.forcedStatus;
    if (e.banned || status === 'BANNED') return { code: 131031, details: 'Business account restricted or locked: this number is banned from sending.' };
    if (status !== undefined && !canInitiate(status) && status !== 'RESTRICTED') return statusRefusal(status);
    if (e.isBlocked(at)) return { code: 368, details: `Temporarily blocked for policy violations until ${new Date(e.blockedUntil).toISOString()}.` };
    if (e.isRateLimited(at)) {
      return { code: 131048, details: `Spam rate limit hit: too many previous messages from this number were blocked or flagged as spam; sending is limited until ${new Date(e.rateLimitedUntil).toISOString()}.` };
    }
    if (this.overThroughput(at)) return { code: 130429, details: `Rate limit hit: this number handles at most ${this.spec.throughputMps} messages per second.` };
    if (!this.takePairToken(waId, at)) {
      return { code: 131056, details: `Pair rate limit hit: too many messages to ${waId} from this number in a short time (about 1 per ${this.params.pairInterval / SECOND} s). Retry after 4^X seconds.` };
    }
    return undefined;
  }

  /** Count one handled message against the per-second throughput. */
  countMessage(at: Instant): void {
    if (Number.isFinite(this.spec.throughputMps)) this.window.push(at);
  }

  private overThroughput(at: Instant): boolean {
    if (!Number.isFinite(this.spec.throughputMps)) return false;
    const cutoff = at - SECOND;
    while (this.windowHead < this.window.length && this.window[this.windowHead]! <= cutoff) this.windowHead++;
    if (this.windowHead > 4096) {
      this.window.splice(0, this.windowHead);
      this.windowHead = 0;
    }
    return this.window.length - this.windowHead >= this.spec.throughputMps;
  }

  /** Token bucket: `pairBurst` tokens, one back every `pairInterval`. */
  private takePairToken(waId: string, at: Instant): boolean {
    const { pairBurst, pairInterval } = this.params;
    const b = this.pairs.get(waId);
    const tokens = b === undefined ? pairBurst : Math.min(pairBurst, b.tokens + (at - b.at) / pairInterval);
    if (tokens < 1) {
      if (b) { b.tokens = tokens; b.at = at; }
      return false;
    }
    if (b) { b.tokens = tokens - 1; b.at = at; } else this.pairs.set(waId, { tokens: tokens - 1, at });
    return true;
  }

  /** Give the pair token back: the send was refused further on (throughput), so it never reached the user. */
  refundPair(waId: string): void {
    const b = this.pairs.get(waId);
    if (b) b.tokens = Math.min(this.params.pairBurst, b.tokens + 1);
  }
}

function statusRefusal(status: NumberStatus): Refusal {
  if (status === 'RATE_LIMITED') return { code: 131048, details: 'Spam rate limit hit: this number is rate limited.' };
  return { code: 133010, details: `Phone number not registered: its status is ${status}.` };
}
