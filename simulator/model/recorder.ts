/**
 * What a replication leaves behind: the timeline of tier, status and quality changes per number,
 * the message counts (every message sent ends delivered, failed or pending), and optionally an
 * hourly series for charts.
 */
import { HOUR, type Duration, type Instant, type QualityRating, type TierName } from '../../core/index.ts';
import type { ReplicationCounts, SeriesPoint, TimelineEntry, TimelineKind } from '../scenario/scenario.ts';
import type { EnforcementEvent } from './enforcement.ts';
import type { RecorderListener } from './platform-observer.ts';

export type MutableCounts = { -readonly [K in keyof ReplicationCounts]: K extends 'failedByCode' ? Record<string, number> : number };

export interface EnforcementTally {
  warnings: number;
  blocks: number;
  rateLimited: number;
  templatePauses: number;
}

export class Recorder {
  readonly timeline: TimelineEntry[] = [];
  readonly tierReachedAt: Record<string, Partial<Record<TierName, Duration>>> = {};
  readonly counts: MutableCounts = {
    sent: 0, delivered: 0, read: 0, replied: 0, failed: 0, pending: 0, blocks: 0, reports: 0, stops: 0, failedByCode: {},
  };
  readonly tally: EnforcementTally = { warnings: 0, blocks: 0, rateLimited: 0, templatePauses: 0 };
  banned = false;
  flagged = false;
  restricted = false;
  readonly series: SeriesPoint[] | undefined;
  /** Hears the timeline's changes and the enforcement actions as they happen (a runner-driven plan's webhooks). */
  listener: RecorderListener | undefined;
  private readonly sendsByHour = new Map<number, number>();

  constructor(private readonly start: Instant, series: boolean) {
    this.series = series ? [] : undefined;
  }

  /** A change of one number's tier, status or quality at `at` (absolute); the start is noted as reached, not changed. */
  change(at: Instant, number: string, kind: TimelineKind, from: string, to: string): void {
    if (from === to) return;
    this.timeline.push({ at: at - this.start, number, kind, from, to });
    if (kind === 'tier') this.reachTier(at, number, to as TierName);
    if (kind === 'status') this.noteStatus(to);
    this.listener?.change(at, number, kind, from, to);
  }

  /** Meta acted on a number: a warning, a block, the spam rate limit or a ban. */
  enforced(number: string, e: EnforcementEvent): void {
    const tally = this.tally;
    if (e.kind === 'warning') tally.warnings++;
    if (e.kind === 'rate-limited') tally.rateLimited++;
    if (e.kind === 'blocked') tally.blocks++;
    this.listener?.enforced(number, e);
  }

  reachTier(at: Instant, number: string, tier: TierName): void {
    const reached = (this.tierReachedAt[number] ??= {});
    if (reached[tier] === undefined) reached[tier] = at - this.start;
  }

  noteStatus(status: string): void {
    if (status === 'BANNED') this.banned = true;
    if (status === 'FLAGGED') this.flagged = true;
    if (status === 'RESTRICTED') this.restricted = true;
  }

  sent(at: Instant): void {
    this.counts.sent++;
    if (this.series) {
      const hour = Math.floor((at - this.start) / HOUR);
      this.sendsByHour.set(hour, (this.sendsByHour.get(hour) ?? 0) + 1);
    }
  }

  failed(code: number): void {
    this.counts.failed++;
    this.counts.failedByCode[code] = (this.counts.failedByCode[code] ?? 0) + 1;
  }

  /** Close hour `hour` (from 0): its sends, and tiers and quality as it ends. */
  hour(hour: number, tiers: Record<string, TierName>, quality: Record<string, QualityRating>): void {
    if (!this.series) return;
    this.series.push({ hour, sends: this.sendsByHour.get(hour) ?? 0, tiers, quality });
    this.sendsByHour.delete(hour);
  }

  /** Counts at the horizon: whatever was neither delivered nor failed is pending. */
  finalCounts(): ReplicationCounts {
    const c = this.counts;
    return { ...c, pending: c.sent - c.delivered - c.failed, failedByCode: { ...c.failedByCode } };
  }

  /** The timeline in time order (stable: same-instant changes keep the order they happened in). */
  sortedTimeline(): TimelineEntry[] {
    return this.timeline.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ e }) => e);
  }
}
