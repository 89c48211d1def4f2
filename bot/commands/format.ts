/** How numbers, times and tiers read in answers: the same in Slack and the console. */
import type { QualityRating } from '../../core/quality.ts';
import type { TierName } from '../../core/tier.ts';
import { DAY, HOUR, MINUTE, type Duration, type Instant } from '../../core/time.ts';

export const count = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unlimited');

export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** "2026-04-01 09:00 UTC": unambiguous for a team spread over time zones. */
export function when(at: Instant): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "3d 4h", "2h 10m", "45m", "under a minute". */
export function duration(ms: Duration): string {
  if (ms < MINUTE) return 'under a minute';
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MINUTE);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

export const relative = (at: Instant, now: Instant): string => (at <= now ? 'now' : `in ${duration(at - now)} (${when(at)})`);

export const tierLabel = (tier: TierName): string => (tier === 'TIER_UNLIMITED' ? 'unlimited' : tier.replace('TIER_', ''));

const QUALITY_MARK: Readonly<Record<QualityRating, string>> = { HIGH: 'HIGH (green)', MEDIUM: 'MEDIUM (yellow)', LOW: 'LOW (red)', UNKNOWN: 'not rated yet' };
export const qualityLabel = (q: QualityRating): string => QUALITY_MARK[q];

export const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
