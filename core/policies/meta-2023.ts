/**
 * The rules the seed documents describe (respond.io's "WhatsApp messaging limits", 2023), per
 * phone number. Kept so that plans and history from that time can be simulated as they were.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 */
import type { Policy } from '../policy.ts';
import { DAY } from '../time.ts';

const halfInSevenDays = [
  [
    { kind: 'usage', fraction: 0.5, lookback: 7 * DAY, measure: 'conversations' },
    { kind: 'quality', min: 'MEDIUM' },
  ],
] as const;

export const META_2023: Policy = {
  name: 'meta-2023',
  title: 'Meta 2023: per-number limits, FLAGGED and downgrades (seed 001)',
  source: 'seeds/001 (respond.io, WhatsApp messaging limits); Meta messaging-limits page, 2023',
  scope: 'number',
  // TIER_50 existed earlier; numbers start at 250 (seed 001 FAQ).
  tiers: ['TIER_250', 'TIER_1K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'],
  initialTier: 'TIER_250',
  window: DAY,
  // "the upgrade ... takes effect 24 hours after the qualifying conversation" (seed 001, examples 1-2).
  upgradeDelay: DAY,
  evaluateUpgradeOn: ['conversation'],
  upgradeRequiresConnected: true,
  upgrades: [
    { from: 'TIER_250', anyOf: halfInSevenDays },
    { from: 'TIER_1K', anyOf: halfInSevenDays },
    { from: 'TIER_10K', anyOf: halfInSevenDays },
    { from: 'TIER_100K', anyOf: halfInSevenDays },
  ],
  flagging: {
    enabled: true,
    // "If the quality rating returns to medium or high within 7 days ... otherwise one tier lower" (seed 001).
    grace: 7 * DAY,
    downgradeSteps: 1,
    pendingUpgradeOnFlag: 'cancel',
    reflagAfterDowngrade: true,
  },
};
