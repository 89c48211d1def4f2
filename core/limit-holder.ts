/**
 * One limit holder with its books: the tier state machine (tier-holder.ts) over the usage account
 * (messaging-limit.ts). This is what the simulator plays Meta with and what the bot keeps to stay
 * under the limit: open a conversation (gated by the limit in force), record a delivery, take a
 * quality rating, and let time pass. Every call returns the events that happened, in time order.
 */
import { LimitAccount, type OpenResult } from './messaging-limit.ts';
import type { Policy } from './policy.ts';
import type { QualityRating } from './quality.ts';
import type { Instant } from './time.ts';
import { createTierHolder, currentLimit, nextDeadline, step, type HolderStatus, type TierEvent, type TierHolderState, type TierInput } from './tier-holder.ts';
import type { TierName } from './tier.ts';

export interface LimitHolderSpec {
  readonly holderId: string;
  readonly at: Instant;
  readonly tier?: TierName;
  readonly quality?: QualityRating;
  readonly status?: HolderStatus;
  readonly verified?: boolean;
}

export class LimitHolder {
  private current: TierHolderState;
  readonly account: LimitAccount;

  constructor(readonly policy: Policy, spec: LimitHolderSpec) {
    this.current = createTierHolder(policy, spec);
    this.account = new LimitAccount(policy, spec.holderId);
  }

  get state(): TierHolderState {
    return this.current;
  }

  get limit(): number {
    return currentLimit(this.current);
  }

  used(at: Instant): number {
    return this.account.used(at);
  }

  /** Room for new recipients at `at`, counting anything that falls due by then (a peek: nothing changes). */
  room(at: Instant): number {
    const { state } = step(this.policy, this.current, { kind: 'advance', at });
    return this.account.room(at, currentLimit(state));
  }

  nextRoomAt(at: Instant): Instant | undefined {
    return this.account.nextRoomAt(at);
  }

  /** The next instant the holder changes by itself (an upgrade lands, a flag expires). */
  nextDeadline(): Instant | undefined {
    return nextDeadline(this.policy, this.current);
  }

  /** Open a business-initiated conversation with `recipient`, if the limit in force allows it. */
  open(recipient: string, at: Instant): { result: OpenResult; events: TierEvent[] } {
    const events = this.apply({ kind: 'advance', at });
    const result = this.account.open(recipient, at, this.limit);
    if (result.ok && result.newConversation && this.policy.evaluateUpgradeOn.includes('conversation')) {
      events.push(...this.apply({ kind: 'usage', at, usage: this.account }));
    }
    return { result, events };
  }

  delivered(recipient: string, at: Instant): TierEvent[] {
    this.account.recordDelivered(recipient, at);
    return this.policy.evaluateUpgradeOn.includes('delivery')
      ? this.apply({ kind: 'usage', at, usage: this.account })
      : this.apply({ kind: 'advance', at });
  }

  rate(quality: QualityRating, at: Instant): TierEvent[] {
    const events = this.apply({ kind: 'quality', at, quality });
    if (this.policy.evaluateUpgradeOn.includes('quality')) events.push(...this.apply({ kind: 'usage', at, usage: this.account }));
    return events;
  }

  verify(at: Instant): TierEvent[] {
    return this.apply({ kind: 'verified', at });
  }

  /** Meta reported the tier: follow it (a sender's books never argue with Meta). */
  observeTier(tier: TierName, at: Instant): TierEvent[] {
    return this.apply({ kind: 'observed-tier', at, tier });
  }

  advance(at: Instant): TierEvent[] {
    return this.apply({ kind: 'advance', at });
  }

  private apply(input: TierInput): TierEvent[] {
    const { state, events } = step(this.policy, this.current, input);
    this.current = state;
    return events as TierEvent[];
  }
}
