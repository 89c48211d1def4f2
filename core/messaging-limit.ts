/**
 * Messaging-limit accounting for one limit holder: a phone number under meta-2023, a business
 * portfolio under meta-2025-10. The limit caps the unique recipients of business-initiated
 * messages in a rolling 24 h window; a recipient counts once per window.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 *
 * The account is the sender's own ledger of what it opened; it is deterministic and takes time as
 * an argument, so the simulator (as Meta) and the bot (to stay under the limit) use the same one.
 */
import type { Policy, UsageMeasure } from './policy.ts';
import { SlidingCount, SlidingSet } from './sliding-window.ts';
import type { Duration, Instant } from './time.ts';

/** What the upgrade rules read (see tier-holder.ts). */
export interface UsageView {
  /** Business-initiated conversations (or unique recipients) opened within `lookback` before `at`. */
  usage(at: Instant, lookback: Duration, measure: UsageMeasure): number;
  /** Unique recipients delivered to within `lookback` before `at`. */
  deliveredUnique(at: Instant, lookback: Duration): number;
}

export type OpenResult =
  /** `counted`: the recipient took new room in the window; `newConversation`: a conversation opened. */
  | { readonly ok: true; readonly counted: boolean; readonly newConversation: boolean }
  | { readonly ok: false; readonly reason: 'limit-reached'; readonly nextRoomAt: Instant | undefined };

export class LimitAccount implements UsageView {
  /** Recipients sent to in the rolling window: every send refreshes, so none slips out early. */
  private readonly window: SlidingSet;
  /** Open conversations: one opens on the first send and lasts the window; a send inside it opens none. */
  private readonly openConversations: SlidingSet;
  private readonly conversations = new Map<Duration, SlidingCount>();
  private readonly recipients = new Map<Duration, SlidingSet>();
  private readonly delivered = new Map<Duration, SlidingSet>();

  constructor(readonly policy: Policy, readonly holderId: string) {
    this.window = new SlidingSet(policy.window);
    this.openConversations = new SlidingSet(policy.window);
    // Pre-create the lookbacks the policy reads: a lookback first asked for later starts empty.
    for (const rule of policy.upgrades) {
      for (const conditions of rule.anyOf) {
        for (const c of conditions) {
          if (c.kind === 'usage' && c.measure === 'conversations') this.conversationsIn(c.lookback);
          if (c.kind === 'usage' && c.measure === 'unique-recipients') this.recipientsIn(c.lookback);
          if (c.kind === 'delivered-unique') this.deliveredIn(c.lookback);
        }
      }
    }
  }

  /** Unique recipients in the rolling window at `at`. */
  used(at: Instant): number {
    return this.window.size(at);
  }

  /** How many new recipients may still be opened at `at` under `limit`. */
  room(at: Instant, limit: number): number {
    return Math.max(0, limit - this.used(at));
  }

  /** True when `recipient` is already in the window (sending again costs no room). */
  isOpen(recipient: string, at: Instant): boolean {
    return this.window.has(recipient, at);
  }

  /** When the window next frees room (the oldest conversation in it expires). */
  nextRoomAt(at: Instant): Instant | undefined {
    return this.window.nextExpiry(at);
  }

  /**
   * Record a business-initiated send to `recipient` at `at`, if `limit` allows it. This is the
   * gate: the unique recipients sent to in any rolling window never exceed the limit in force.
   * (A send inside an open conversation still refreshes the recipient's place in the window:
   * counting recipients sent to, not conversations opened, is the reading that is safe under both
   * Meta's 2023 wording and its 2025 "unique users delivered" wording.)
   */
  open(recipient: string, at: Instant, limit: number): OpenResult {
    const counted = !this.window.has(recipient, at);
    if (counted && this.window.size(at) >= limit) return { ok: false, reason: 'limit-reached', nextRoomAt: this.window.nextExpiry(at) };
    this.window.touch(recipient, at);
    const newConversation = this.openConversations.addIfAbsent(recipient, at);
    if (newConversation) {
      for (const counter of this.conversations.values()) counter.add(at);
      for (const set of this.recipients.values()) set.touch(recipient, at);
    }
    return { ok: true, counted, newConversation };
  }

  recordDelivered(recipient: string, at: Instant): void {
    for (const set of this.delivered.values()) set.touch(recipient, at);
  }

  usage(at: Instant, lookback: Duration, measure: UsageMeasure): number {
    return measure === 'conversations' ? this.conversationsIn(lookback).count(at) : this.recipientsIn(lookback).size(at);
  }

  deliveredUnique(at: Instant, lookback: Duration): number {
    return this.deliveredIn(lookback).size(at);
  }

  private conversationsIn(lookback: Duration): SlidingCount {
    return getOrCreate(this.conversations, lookback, () => new SlidingCount(lookback));
  }

  private recipientsIn(lookback: Duration): SlidingSet {
    return getOrCreate(this.recipients, lookback, () => new SlidingSet(lookback));
  }

  private deliveredIn(lookback: Duration): SlidingSet {
    return getOrCreate(this.delivered, lookback, () => new SlidingSet(lookback));
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** RESTRICTED is what a holder at its limit looks like: no new business-initiated conversations until room frees. */
export function isRestricted(used: number, limit: number): boolean {
  return used >= limit;
}
