/**
 * A policy is Meta's messaging-limit rulebook as data. The state machines (tier-holder.ts,
 * messaging-limit.ts) interpret it and never name a policy, so a third rulebook is a new file in
 * policies/ and one line in the registry below.
 */
import { notOneOf } from './errors.ts';
import type { QualityRating } from './quality.ts';
import type { Duration } from './time.ts';
import type { TierName } from './tier.ts';
import { META_2023 } from './policies/meta-2023.ts';
import { META_2025_10 } from './policies/meta-2025-10.ts';

/** Whose limit it is: each phone number's own (2023), or one shared by a business portfolio (2025-10). */
export type LimitScope = 'number' | 'portfolio';

/**
 * One way to qualify for the next tier. All conditions of a rule must hold; a tier qualifies when
 * any of its rules holds.
 */
export type UpgradeCondition =
  /** At least `fraction` of the current limit used within `lookback` (seed 001: half the limit in 7 days). */
  | { kind: 'usage'; fraction: number; lookback: Duration; measure: UsageMeasure }
  /** At least `count` unique users delivered to within `lookback` (meta-2025-10: 2,000 in 30 days). */
  | { kind: 'delivered-unique'; count: number; lookback: Duration }
  /** The business is verified (meta-2025-10: lifts 250 → 2K on its own). */
  | { kind: 'verified' }
  /** The quality rating is at least this. */
  | { kind: 'quality'; min: QualityRating };

/**
 * How "usage in the last 7 days" is counted. The seeds count business-initiated conversations
 * opened (seed 001's worked example 2 adds daily new conversations: 100+200+200 = 500); a stricter
 * reading counts each unique recipient once. A parameter because Meta's text supports both.
 */
export type UsageMeasure = 'conversations' | 'unique-recipients';

export interface UpgradeRule {
  readonly from: TierName;
  readonly anyOf: readonly (readonly UpgradeCondition[])[];
}

export interface FlaggingRules {
  /** Quality LOW puts the holder in FLAGGED. */
  readonly enabled: boolean;
  /** How long a FLAGGED holder has to recover before it is downgraded. */
  readonly grace: Duration;
  /** Tiers lost when the grace runs out without recovery. */
  readonly downgradeSteps: number;
  /**
   * An upgrade already scheduled when the holder is flagged. The seeds say "no upgrade while
   * flagged"; we read that as cancelling it (a parameter: 'keep' lets it land if recovered first).
   */
  readonly pendingUpgradeOnFlag: 'cancel' | 'keep';
  /**
   * Still LOW after a downgrade: flag again at once (a new grace period) or stay CONNECTED. We
   * flag again: Meta's text describes no exemption, and a number that stays LOW keeps stepping down.
   */
  readonly reflagAfterDowngrade: boolean;
}

export interface Policy {
  readonly name: PolicyName;
  readonly title: string;
  /** Where the rule comes from (a Meta page or a seed). */
  readonly source: string;
  readonly scope: LimitScope;
  /** Tiers in ascending order; the holder moves along this list only. */
  readonly tiers: readonly TierName[];
  /** The tier of a new number (or portfolio). */
  readonly initialTier: TierName;
  /** The rolling window over which unique recipients are counted. */
  readonly window: Duration;
  /** How long after qualifying the new tier takes effect. */
  readonly upgradeDelay: Duration;
  /**
   * When eligibility is checked: on each new conversation with a unique customer (2023, seed 001),
   * or also on deliveries and quality changes (2025-10 counts delivered messages).
   */
  readonly evaluateUpgradeOn: readonly ('conversation' | 'delivery' | 'quality')[];
  /** The holder's status must be CONNECTED for an upgrade (2023); FLAGGED does not exist in 2025-10. */
  readonly upgradeRequiresConnected: boolean;
  readonly upgrades: readonly UpgradeRule[];
  readonly flagging: FlaggingRules;
}

export const POLICY_NAMES = ['meta-2023', 'meta-2025-10'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const DEFAULT_POLICY: PolicyName = 'meta-2025-10';

const REGISTRY: Readonly<Record<PolicyName, Policy>> = {
  'meta-2023': META_2023,
  'meta-2025-10': META_2025_10,
};

export function isPolicyName(value: unknown): value is PolicyName {
  return typeof value === 'string' && (POLICY_NAMES as readonly string[]).includes(value);
}

export function getPolicy(name: unknown = DEFAULT_POLICY): Policy {
  if (isPolicyName(name)) return REGISTRY[name];
  throw notOneOf('WA_UNKNOWN_POLICY', 'policy', name, POLICY_NAMES);
}

/** The tier one step up, or undefined at the top. */
export function nextTier(policy: Policy, tier: TierName): TierName | undefined {
  const i = policy.tiers.indexOf(tier);
  return i >= 0 && i + 1 < policy.tiers.length ? policy.tiers[i + 1] : undefined;
}

/** The tier `steps` down, never below the policy's first tier. */
export function lowerTier(policy: Policy, tier: TierName, steps = 1): TierName {
  const i = policy.tiers.indexOf(tier);
  return policy.tiers[Math.max(0, i - steps)] ?? policy.tiers[0]!;
}
