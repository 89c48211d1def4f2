/**
 * A campaign's status as a person reads it: the funnel (sent, delivered, read), failures grouped
 * by reason with core's plain-language explanation, skips by reason, and the sends whose outcome
 * is unknown (they may have gone out; they are never resent). Built from the per-recipient ledger.
 */
import type { Campaign } from '../../core/campaign.ts';
import type { CampaignLedger } from '../../core/campaign-ledger.ts';
import { classifyMetaError } from '../../core/meta-error.ts';

export interface FailureGroup {
  readonly reason: string;
  readonly metaCode?: number;
  readonly count: number;
  /** What happened and what, if anything, to do about it (core's words). */
  readonly explanation: string;
}

export interface CampaignReport {
  readonly campaign: Campaign;
  /** People in the audience when it started (0 before it started). */
  readonly audience: number;
  /** Accepted by Meta (a message id): the message went out. */
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  /** Not yet sent: waiting for their turn, a retry or a follow-up. */
  readonly waiting: number;
  /** Sent moments ago, or may have been sent and waiting for a status to say so. */
  readonly inFlight: number;
  /** Never went out: refused, or given up after retries. */
  readonly failed: readonly FailureGroup[];
  /** Went out, then Meta reported it undelivered. */
  readonly deliveryFailed: readonly FailureGroup[];
  readonly skipped: Readonly<Record<string, number>>;
  /** May have gone out, no status ever said: reported, never resent. */
  readonly unknown: number;
  readonly attempts: number;
}

export function campaignReport(campaign: Campaign, ledger: CampaignLedger, audience: number): CampaignReport {
  const s = ledger.summary(campaign.id);
  const failed = new Map<string, { reason: string; metaCode?: number; count: number; explanation: string }>();
  for (const e of ledger.entries(campaign.id)) {
    if (e.state !== 'failed') continue;
    const k = `${e.reason}/${e.metaCode ?? ''}`;
    const g = failed.get(k);
    if (g) g.count++;
    else failed.set(k, { reason: e.reason, ...(e.metaCode !== undefined ? { metaCode: e.metaCode } : {}), count: 1, explanation: e.explanation });
  }
  const deliveryFailed = Object.entries(s.deliveryFailures).map(([code, count]): FailureGroup => {
    if (code === 'none') return { reason: 'undelivered', count, explanation: 'Meta reported the message as failed without saying why.' };
    const info = classifyMetaError(Number(code));
    return { reason: info.action, metaCode: info.code, count, explanation: `${info.title}: ${info.explanation}` };
  });
  const d = s.byDelivery;
  return {
    campaign,
    audience,
    sent: s.byState.accepted,
    delivered: d.delivered + d.read,
    read: d.read,
    waiting: s.byState.pending + s.byState['retry-wait'],
    inFlight: s.byState.intent + s.byState['maybe-sent'],
    failed: [...failed.values()].sort((a, b) => b.count - a.count),
    deliveryFailed: deliveryFailed.sort((a, b) => b.count - a.count),
    skipped: s.skips,
    unknown: s.byState.unknown,
    attempts: s.attempts,
  };
}
