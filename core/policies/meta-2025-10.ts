/**
 * Meta's current rules (in force since 2025-10-07): one limit per business portfolio, shared by
 * all its numbers; TIER_2K replaces TIER_1K; upgrades land within 6 h; quality gates upgrades but
 * never lowers the limit, and there is no FLAGGED state.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 */
import type { Policy } from '../policy.ts';
import { DAY, HOUR } from '../time.ts';

const halfInSevenDaysHighQuality = [
  [
    { kind: 'usage', fraction: 0.5, lookback: 7 * DAY, measure: 'unique-recipients' },
    { kind: 'quality', min: 'HIGH' },
  ],
] as const;

export const META_2025_10: Policy = {
  name: 'meta-2025-10',
  title: 'Meta 2025-10: portfolio-wide limits, upgrades within 6 h, no downgrades',
  source: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits',
  scope: 'portfolio',
  tiers: ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'],
  initialTier: 'TIER_250',
  window: DAY,
  // "within 6 hours": we model the latest moment, the conservative choice for a sender.
  upgradeDelay: 6 * HOUR,
  evaluateUpgradeOn: ['conversation', 'delivery', 'quality'],
  upgradeRequiresConnected: false,
  upgrades: [
    {
      from: 'TIER_250',
      anyOf: [
        [{ kind: 'verified' }],
        [
          { kind: 'delivered-unique', count: 2_000, lookback: 30 * DAY },
          { kind: 'quality', min: 'HIGH' },
        ],
      ],
    },
    { from: 'TIER_2K', anyOf: halfInSevenDaysHighQuality },
    { from: 'TIER_10K', anyOf: halfInSevenDaysHighQuality },
    { from: 'TIER_100K', anyOf: halfInSevenDaysHighQuality },
  ],
  flagging: { enabled: false, grace: 0, downgradeSteps: 0, pendingUpgradeOnFlag: 'keep', reflagAfterDowngrade: false },
};
