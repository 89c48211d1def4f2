/**
 * Messaging-limit tiers as Meta names them in the API (`messaging_limit_tier`,
 * `phone_number_quality_update.current_limit`). Which tiers exist, and in what order, is a
 * policy's business (see policy.ts); this module only knows the names and their limits.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 */
import { notOneOf } from './errors.ts';

export const TIER_NAMES = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** Unique recipients allowed per rolling 24 h at each tier. */
export const TIER_LIMIT: Readonly<Record<TierName, number>> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1_000,
  TIER_2K: 2_000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

export function isTierName(value: unknown): value is TierName {
  return typeof value === 'string' && (TIER_NAMES as readonly string[]).includes(value);
}

/** Parse a tier name; also accepts Meta's older spellings ("TIER_1000", "1K", "unlimited"). */
export function parseTier(value: unknown): TierName {
  if (isTierName(value)) return value;
  if (typeof value === 'string') {
    const key = value.trim().toUpperCase().replace(/^TIER_/, '');
    const alias: Record<string, TierName> = {
      '50': 'TIER_50', '250': 'TIER_250', '1K': 'TIER_1K', '1000': 'TIER_1K', '2K': 'TIER_2K', '2000': 'TIER_2K',
      '10K': 'TIER_10K', '10000': 'TIER_10K', '100K': 'TIER_100K', '100000': 'TIER_100K', UNLIMITED: 'TIER_UNLIMITED',
    };
    const found = alias[key];
    if (found) return found;
  }
  throw notOneOf('WA_UNKNOWN_TIER', 'tier', value, TIER_NAMES);
}

export function tierLimit(tier: TierName): number {
  return TIER_LIMIT[tier];
}
