/**
 * Meta's books on the portfolio's numbers: one core `LimitHolder` per limit holder (each number
 * under meta-2023, the portfolio under meta-2025-10), each number's quality rating, and the status
 * a person would see for each number. Every change goes to the timeline at its exact instant.
 *
 * A number's status combines, most telling first: BANNED; a status forced by a scenario event;
 * RESTRICTED while an enforcement block runs; RATE_LIMITED while the spam rate limit (131048) runs;
 * FLAGGED (the holder's quality state, meta-2023); RESTRICTED while its holder is at its limit (the
 * rolling window is full: no new business-initiated conversations until room frees); else
 * CONNECTED. Freed room is looked at once the instant it freed has played out, so a sender that
 * fills it again at once (a burst at the limit) shows one RESTRICTED spell, not a flicker per slot. Being flagged or
 * restricted counts for the run even while a more telling status hides it.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 */
import {
  LimitHolder, worstQuality, type Instant, type LimitHolderSpec, type NumberStatus, type OpenResult,
  type PhoneNumber, type Policy, type QualityRating, type TierEvent, type TierName,
} from '../../core/index.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { ForcedEvent, Scenario } from '../scenario/scenario.ts';
import type { Enforcement } from './enforcement.ts';
import type { Recorder } from './recorder.ts';

/** Why a number may not initiate now, as the error code a send would get. */
export type SendBlock = 131031 | 368 | 131048;

export class LimitBooks {
  readonly holders: LimitHolder[] = [];
  readonly holderOf: number[];
  private readonly members: number[][] = [];
  readonly quality: QualityRating[];
  private readonly status: string[];
  private readonly forced: (NumberStatus | undefined)[];
  private readonly deadlineAt: number[] = [];
  private readonly roomCheckAt: number[] = [];
  private readonly policy: Policy;
  private readonly countsDeliveries: boolean;
  private readonly numbers: readonly PhoneNumber[];

  constructor(private readonly sim: Simulation, scenario: Scenario, private readonly recorder: Recorder, private readonly enforcement: readonly Enforcement[]) {
    const { policy, portfolio, start } = scenario;
    this.policy = policy;
    this.countsDeliveries = policy.evaluateUpgradeOn.includes('delivery')
      || policy.upgrades.some((r) => r.anyOf.some((all) => all.some((c) => c.kind === 'delivered-unique')));
    this.numbers = portfolio.numbers;
    this.quality = this.numbers.map((n) => n.quality);
    const holderStatus = (s: NumberStatus) => (s === 'FLAGGED' && policy.flagging.enabled ? 'FLAGGED' : 'CONNECTED');
    if (policy.scope === 'number') {
      this.holderOf = this.numbers.map((_, i) => i);
      this.numbers.forEach((n, i) => {
        this.addHolder({ holderId: n.id, at: start, tier: n.tier, quality: n.quality, status: holderStatus(n.status), verified: portfolio.verified }, [i]);
      });
    } else {
      // The portfolio takes the highest limit among its numbers (as Meta did when limits moved to
      // portfolios) and the worst rating of its rated numbers.
      const tiers = this.numbers.map((n) => n.tier).filter((t) => policy.tiers.includes(t));
      const tier = tiers.reduce<TierName>((a, b) => (policy.tiers.indexOf(b) > policy.tiers.indexOf(a) ? b : a), policy.initialTier);
      const status = this.numbers.some((n) => holderStatus(n.status) === 'FLAGGED') ? 'FLAGGED' : 'CONNECTED';
      this.holderOf = this.numbers.map(() => 0);
      this.addHolder({ holderId: portfolio.id, at: start, tier, quality: this.portfolioQuality(), status, verified: portfolio.verified }, this.numbers.map((_, i) => i));
    }
    this.forced = this.numbers.map((n) => (n.status === 'CONNECTED' || n.status === 'FLAGGED' || n.status === 'BANNED' ? undefined : n.status));
    this.numbers.forEach((n, i) => {
      if (n.status === 'BANNED') enforcement[i]!.force('BANNED', start);
      recorder.reachTier(start, n.id, this.tierOf(i));
    });
    this.status = this.numbers.map(() => 'CONNECTED');
    this.numbers.forEach((_, i) => this.refreshInitial(i, start));
    this.holders.forEach((_, h) => this.scheduleDeadline(h));
  }

  id(n: number): string {
    return this.numbers[n]!.id;
  }

  holderId(n: number): string {
    return this.holders[this.holderOf[n]!]!.account.holderId;
  }

  tierOf(n: number): TierName {
    return this.holders[this.holderOf[n]!]!.state.tier;
  }

  /** Open a business-initiated conversation (the gate of the messaging limit). */
  open(n: number, recipient: string, at: Instant): OpenResult {
    const h = this.holderOf[n]!;
    const { result, events } = this.holders[h]!.open(recipient, at);
    this.handle(h, events, at, result.ok && result.counted);
    return result;
  }

  /** Only policies that count deliveries (meta-2025-10) hear of them: under meta-2023 it would change nothing. */
  delivered(n: number, recipient: string, at: Instant): void {
    if (!this.countsDeliveries) return;
    const h = this.holderOf[n]!;
    this.handle(h, this.holders[h]!.delivered(recipient, at), at);
  }

  /** A new quality rating for number `n` (from Meta's score, or forced). */
  rate(n: number, quality: QualityRating, at: Instant): void {
    const before = this.quality[n]!;
    if (quality === before) return;
    this.quality[n] = quality;
    this.recorder.change(at, this.id(n), 'quality', before, quality);
    const h = this.holderOf[n]!;
    const holderQuality = this.policy.scope === 'number' ? quality : this.portfolioQuality();
    this.handle(h, this.holders[h]!.rate(holderQuality, at), at);
  }

  /** A scenario's forced change; quality is the caller's business (it also holds the score off). */
  force(n: number, event: ForcedEvent, at: Instant): void {
    const h = this.holderOf[n]!;
    const holder = this.holders[h]!;
    this.handle(h, holder.advance(at), at);
    if (event.tier !== undefined && event.tier !== holder.state.tier) {
      const from = holder.state.tier;
      this.replaceHolder(h, { tier: event.tier }, at);
      for (const m of this.members[h]!) this.recorder.change(at, this.id(m), 'tier', from, event.tier);
    }
    if (event.status !== undefined) {
      const s = event.status;
      this.forced[n] = s === 'CONNECTED' || s === 'FLAGGED' || s === 'BANNED' ? undefined : s;
      if (s === 'BANNED' || s === 'CONNECTED') this.enforcement[n]!.force(s, at);
      const holderStatus = this.holders[h]!.state.status;
      if (s === 'FLAGGED' && this.policy.flagging.enabled && holderStatus !== 'FLAGGED') this.replaceHolder(h, { status: 'FLAGGED' }, at);
      if (s === 'CONNECTED' && holderStatus === 'FLAGGED') this.replaceHolder(h, { status: 'CONNECTED' }, at);
    }
    this.refreshHolder(h, at);
    this.scheduleDeadline(h);
  }

  /**
   * Why number `n` may not initiate at `at`, or undefined when it may. Bans, enforcement blocks and
   * forced statuses come with a webhook (`account_update`), so a sender knows them in advance; the
   * spam rate limit shows only as a failed send, hence `spamLimit: false` for the sender's view.
   */
  blockOf(n: number, at: Instant, spamLimit = true): SendBlock | undefined {
    const e = this.enforcement[n]!;
    const forced = this.forced[n];
    if (e.banned) return 131031;
    if (forced === 'RATE_LIMITED') return 131048;
    if (forced !== undefined) return 131031;
    if (e.isBlocked(at)) return 368;
    if (spamLimit && e.isRateLimited(at)) return 131048;
    return undefined;
  }

  /** When number `n`'s enforcement block ends, if one runs at `at`. */
  blockedUntil(n: number, at: Instant): Instant | undefined {
    const e = this.enforcement[n]!;
    return !e.banned && this.forced[n] === undefined && e.isBlocked(at) ? e.blockedUntil : undefined;
  }

  /** Recompute the status of every number sharing holder `h`. */
  refreshHolder(h: number, at: Instant): void {
    for (const m of this.members[h]!) this.refresh(m, at);
  }

  refresh(n: number, at: Instant): void {
    const holder = this.holders[this.holderOf[n]!]!;
    if (holder.state.status === 'FLAGGED') this.recorder.flagged = true;
    if (holder.used(at) >= holder.limit || this.enforcement[n]!.isBlocked(at)) this.recorder.restricted = true;
    const now = this.statusOf(n, at);
    const before = this.status[n]!;
    if (now !== before) {
      this.status[n] = now;
      this.recorder.change(at, this.id(n), 'status', before, now);
    }
    if (now === 'RESTRICTED') this.scheduleRoomCheck(this.holderOf[n]!, at);
  }

  private refreshInitial(n: number, at: Instant): void {
    this.status[n] = this.statusOf(n, at);
    this.recorder.noteStatus(this.status[n]!);
    this.refresh(n, at);
  }

  /** Re-check number `n`'s status at `at` (an enforcement block or a rate limit ends then). */
  refreshAt(n: number, at: Instant): void {
    this.sim.at(Math.max(at, this.sim.now), (s) => this.refresh(n, s.now));
  }

  private statusOf(n: number, at: Instant): string {
    const e = this.enforcement[n]!;
    const holder = this.holders[this.holderOf[n]!]!;
    if (e.banned) return 'BANNED';
    const forced = this.forced[n];
    if (forced !== undefined) return forced;
    if (e.isBlocked(at)) return 'RESTRICTED';
    if (e.isRateLimited(at)) return 'RATE_LIMITED';
    if (holder.state.status === 'FLAGGED') return 'FLAGGED';
    if (holder.used(at) >= holder.limit) return 'RESTRICTED';
    return 'CONNECTED';
  }

  /** Take the holder's events; `counted` when a recipient just took room (the holder may now be full). */
  private handle(h: number, events: readonly TierEvent[], at: Instant, counted = false): void {
    for (const e of events) {
      if (e.kind === 'tier-changed') for (const m of this.members[h]!) this.recorder.change(e.at, this.id(m), 'tier', e.from, e.to);
    }
    const holder = this.holders[h]!;
    if (events.length > 0 || (counted && holder.used(at) >= holder.limit)) this.refreshHolder(h, at);
    if (events.length > 0) this.scheduleDeadline(h);
  }

  private scheduleDeadline(h: number): void {
    const due = this.holders[h]!.nextDeadline();
    if (due === undefined || due === this.deadlineAt[h] || due < this.sim.now) return;
    this.deadlineAt[h] = due;
    this.sim.at(due, (s) => this.handle(h, this.holders[h]!.advance(s.now), s.now));
  }

  private scheduleRoomCheck(h: number, at: Instant): void {
    const holder = this.holders[h]!;
    if (!(holder.used(at) >= holder.limit)) return;
    const next = holder.nextRoomAt(at);
    if (next === undefined || next === this.roomCheckAt[h]) return;
    this.roomCheckAt[h] = next;
    // Scheduled from inside the instant, the look comes after whatever was already due then (the sender's wake-up).
    this.sim.at(Math.max(next, this.sim.now), (s) => s.schedule(0, (t) => this.refreshHolder(h, t.now)));
  }

  private addHolder(spec: LimitHolderSpec, members: number[]): void {
    this.holders.push(new LimitHolder(this.policy, spec));
    this.members.push(members);
  }

  /**
   * Core's LimitHolder has no way to set a state from outside Meta's rules; a forced tier or status
   * is such a change. The holder is rebuilt at the forced values and keeps its books (the rolling
   * window and the 7-day usage), so the limit and the next upgrade still count what was sent. A
   * pending upgrade is dropped, and a FLAGGED holder's grace period starts again at the event.
   */
  private replaceHolder(h: number, change: Pick<LimitHolderSpec, 'tier' | 'status'>, at: Instant): void {
    const old = this.holders[h]!;
    const s = old.state;
    const next = new LimitHolder(this.policy, { holderId: s.holderId, at, tier: s.tier, quality: s.quality, status: s.status, verified: s.verified, ...change });
    this.holders[h] = Object.assign(next, { account: old.account });
  }

  /** The worst rating among rated numbers (an unrated number says nothing about the portfolio). */
  private portfolioQuality(): QualityRating {
    const rated = this.quality.filter((q) => q !== 'UNKNOWN');
    return rated.length ? worstQuality(rated) : 'UNKNOWN';
  }
}
