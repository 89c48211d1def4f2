/**
 * The messaging-limit state machine of one limit holder (a number under meta-2023, a portfolio
 * under meta-2025-10): tier upgrades after the policy's delay, and under meta-2023 the FLAGGED
 * spell with its recovery or one-tier downgrade. It reads the policy as data and never names one.
 *
 * Pure: `step(policy, state, input)` returns the new state and the events that happened, in time
 * order. Every input first brings the holder up to its time (a pending upgrade or a flag deadline
 * that fell due lands at its own instant, not at the input's), so the events carry exact times.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 */
import { describe, invalidArgument } from './errors.ts';
import type { UsageView } from './messaging-limit.ts';
import { lowerTier, nextTier, type Policy, type UpgradeCondition } from './policy.ts';
import { qualityAtLeast, type QualityRating } from './quality.ts';
import type { Instant } from './time.ts';
import { parseTier, tierLimit, type TierName } from './tier.ts';

export type HolderStatus = 'CONNECTED' | 'FLAGGED';

export interface TierHolderState {
  readonly holderId: string;
  readonly tier: TierName;
  readonly status: HolderStatus;
  readonly quality: QualityRating;
  readonly verified: boolean;
  readonly pendingUpgrade?: { readonly to: TierName; readonly at: Instant; readonly qualifiedAt: Instant };
  readonly flaggedAt?: Instant;
  /** The last instant at which this state changed (inputs before it are refused). */
  readonly at: Instant;
}

export type TierInput =
  /** Usage changed (a conversation opened, a message delivered): the upgrade rule is evaluated. */
  | { readonly kind: 'usage'; readonly at: Instant; readonly usage: UsageView }
  | { readonly kind: 'quality'; readonly at: Instant; readonly quality: QualityRating }
  | { readonly kind: 'verified'; readonly at: Instant }
  /** Time passes: apply whatever fell due by `at`. */
  | { readonly kind: 'advance'; readonly at: Instant }
  /** Meta reported the tier (a webhook, an API read): Meta is the authority, so the books follow it. */
  | { readonly kind: 'observed-tier'; readonly at: Instant; readonly tier: TierName };

export type TierEvent =
  | { readonly kind: 'upgrade-scheduled'; readonly at: Instant; readonly to: TierName; readonly effectiveAt: Instant }
  | { readonly kind: 'upgrade-cancelled'; readonly at: Instant; readonly to: TierName; readonly reason: 'flagged' }
  | { readonly kind: 'tier-changed'; readonly at: Instant; readonly from: TierName; readonly to: TierName; readonly reason: 'upgrade' | 'downgrade' | 'observed' }
  | { readonly kind: 'status-changed'; readonly at: Instant; readonly from: HolderStatus; readonly to: HolderStatus }
  | { readonly kind: 'quality-changed'; readonly at: Instant; readonly from: QualityRating; readonly to: QualityRating };

export interface TierStep {
  readonly state: TierHolderState;
  readonly events: readonly TierEvent[];
}

export function createTierHolder(policy: Policy, spec: { holderId: string; at: Instant; tier?: TierName; quality?: QualityRating; status?: HolderStatus; verified?: boolean }): TierHolderState {
  const tier = spec.tier === undefined ? policy.initialTier : parseTier(spec.tier);
  if (!policy.tiers.includes(tier)) {
    throw invalidArgument('tier', `${tier} does not exist under ${policy.name}; expected one of ${policy.tiers.join(', ')}`);
  }
  if (typeof spec.at !== 'number' || !Number.isFinite(spec.at)) throw invalidArgument('limit holder start', `got ${describe(spec.at)}, expected an instant in ms`);
  const status = spec.status ?? 'CONNECTED';
  if (status === 'FLAGGED' && !policy.flagging.enabled) throw invalidArgument('status', `FLAGGED does not exist under ${policy.name}; expected CONNECTED`);
  return {
    holderId: spec.holderId, tier, status, quality: spec.quality ?? 'UNKNOWN', verified: spec.verified ?? false, at: spec.at,
    ...(status === 'FLAGGED' ? { flaggedAt: spec.at } : {}),
  };
}

export function currentLimit(state: TierHolderState): number {
  return tierLimit(state.tier);
}

/** The next instant at which the holder changes by itself, or undefined. Schedule an `advance` there. */
export function nextDeadline(policy: Policy, state: TierHolderState): Instant | undefined {
  const times: Instant[] = [];
  if (state.pendingUpgrade) times.push(state.pendingUpgrade.at);
  if (state.status === 'FLAGGED' && state.flaggedAt !== undefined) times.push(state.flaggedAt + policy.flagging.grace);
  return times.length ? Math.min(...times) : undefined;
}

export function step(policy: Policy, state: TierHolderState, input: TierInput): TierStep {
  if (input.at < state.at) throw invalidArgument('tier input time', `went backwards from ${state.at} to ${input.at}; expected non-decreasing instants`);
  const events: TierEvent[] = [];
  let s = advanceTo(policy, state, input.at, events);
  switch (input.kind) {
    case 'advance':
      break;
    case 'verified':
      s = { ...s, verified: true, at: input.at };
      break;
    case 'quality':
      s = rate(policy, s, input.quality, input.at, events);
      break;
    case 'usage':
      s = evaluateUpgrade(policy, s, input.usage, input.at, events);
      break;
    case 'observed-tier': {
      const tier = parseTier(input.tier);
      if (tier !== s.tier) {
        events.push({ kind: 'tier-changed', at: input.at, from: s.tier, to: tier, reason: 'observed' });
        s = withoutPending({ ...s, tier, at: input.at });
      }
      break;
    }
  }
  return { state: s, events };
}

/** Apply every deadline due by `to`, each at its own instant, in order. */
function advanceTo(policy: Policy, state: TierHolderState, to: Instant, events: TierEvent[]): TierHolderState {
  let s = state;
  for (let due = nextDeadline(policy, s); due !== undefined && due <= to; due = nextDeadline(policy, s)) {
    if (s.pendingUpgrade && s.pendingUpgrade.at === due) {
      const { to: target } = s.pendingUpgrade;
      events.push({ kind: 'tier-changed', at: due, from: s.tier, to: target, reason: 'upgrade' });
      s = withoutPending({ ...s, tier: target, at: due });
    } else {
      s = expireFlag(policy, s, due, events);
    }
  }
  // Hot path (every send): nothing fell due, so the very same state object comes back.
  return s;
}

function expireFlag(policy: Policy, s: TierHolderState, at: Instant, events: TierEvent[]): TierHolderState {
  const lower = lowerTier(policy, s.tier, policy.flagging.downgradeSteps);
  if (lower !== s.tier) events.push({ kind: 'tier-changed', at, from: s.tier, to: lower, reason: 'downgrade' });
  events.push({ kind: 'status-changed', at, from: 'FLAGGED', to: 'CONNECTED' });
  const next: TierHolderState = withoutFlag({ ...s, tier: lower, status: 'CONNECTED', at });
  if (policy.flagging.reflagAfterDowngrade && next.quality === 'LOW') return flag(policy, next, at, events);
  return next;
}

function rate(policy: Policy, s: TierHolderState, quality: QualityRating, at: Instant, events: TierEvent[]): TierHolderState {
  if (quality !== s.quality) events.push({ kind: 'quality-changed', at, from: s.quality, to: quality });
  const flags = policy.flagging.enabled && quality === 'LOW' && s.status === 'CONNECTED';
  const recovers = policy.flagging.enabled && (quality === 'MEDIUM' || quality === 'HIGH') && s.status === 'FLAGGED';
  if (quality === s.quality && !flags && !recovers) return s;
  let next: TierHolderState = { ...s, quality, at };
  if (!policy.flagging.enabled) return next;
  if (quality === 'LOW' && next.status === 'CONNECTED') next = flag(policy, next, at, events);
  else if ((quality === 'MEDIUM' || quality === 'HIGH') && next.status === 'FLAGGED') {
    // Recovered within the grace period (a due expiry was applied before this input): same tier.
    events.push({ kind: 'status-changed', at, from: 'FLAGGED', to: 'CONNECTED' });
    next = withoutFlag({ ...next, status: 'CONNECTED' });
  }
  return next;
}

function flag(policy: Policy, s: TierHolderState, at: Instant, events: TierEvent[]): TierHolderState {
  events.push({ kind: 'status-changed', at, from: s.status, to: 'FLAGGED' });
  let next: TierHolderState = { ...s, status: 'FLAGGED', flaggedAt: at };
  if (next.pendingUpgrade && policy.flagging.pendingUpgradeOnFlag === 'cancel') {
    events.push({ kind: 'upgrade-cancelled', at, to: next.pendingUpgrade.to, reason: 'flagged' });
    next = withoutPending(next);
  }
  return next;
}

function evaluateUpgrade(policy: Policy, s: TierHolderState, usage: UsageView, at: Instant, events: TierEvent[]): TierHolderState {
  if (s.pendingUpgrade) return s;
  const to = nextTier(policy, s.tier);
  if (to === undefined || !upgradeConditionsHold(policy, s, usage, at)) return s;
  const effectiveAt = at + policy.upgradeDelay;
  events.push({ kind: 'upgrade-scheduled', at, to, effectiveAt });
  return { ...s, pendingUpgrade: { to, at: effectiveAt, qualifiedAt: at }, at };
}

/** True when the policy's rule for the holder's tier holds now (exported so tests can check it independently). */
export function upgradeConditionsHold(policy: Policy, s: TierHolderState, usage: UsageView, at: Instant): boolean {
  if (policy.upgradeRequiresConnected && s.status !== 'CONNECTED') return false;
  const rule = policy.upgrades.find((r) => r.from === s.tier);
  if (!rule) return false;
  return rule.anyOf.some((conditions) => conditions.every((c) => conditionHolds(c, s, usage, at)));
}

function conditionHolds(c: UpgradeCondition, s: TierHolderState, usage: UsageView, at: Instant): boolean {
  switch (c.kind) {
    case 'usage':
      return usage.usage(at, c.lookback, c.measure) >= c.fraction * tierLimit(s.tier);
    case 'delivered-unique':
      return usage.deliveredUnique(at, c.lookback) >= c.count;
    case 'verified':
      return s.verified;
    case 'quality':
      // A holder Meta has not rated yet (no recent traffic) is not held back: seed 001's FAQ has a
      // new number reach 1K after 125 conversations, before any rating could exist.
      return s.quality === 'UNKNOWN' || qualityAtLeast(s.quality, c.min);
  }
}

function withoutPending(s: TierHolderState): TierHolderState {
  const { pendingUpgrade: _drop, ...rest } = s;
  return rest;
}

function withoutFlag(s: TierHolderState): TierHolderState {
  const { flaggedAt: _drop, ...rest } = s;
  return rest;
}
