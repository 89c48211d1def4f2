/**
 * The limit holders' books the runners draw on: one per number under meta-2023, one per business
 * portfolio under meta-2025-10, shared by every campaign on the same holder, so two campaigns
 * never spend the same room twice.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 *
 * After a restart the rolling window is rebuilt from the ledgers: every row that may have gone out
 * in the last window is opened again at its time. Rows do not say which number sent them, so under
 * meta-2023 a recipient counts against every number of its campaign's pool: the books may leave
 * room unused for a day, never spend room that is not there.
 */
import { LimitHolder } from '../../core/limit-holder.ts';
import type { LedgerEntry } from '../../core/ledger-entry.ts';
import type { PhoneNumber } from '../../core/phone-number.ts';
import type { Policy } from '../../core/policy.ts';
import { worstQuality } from '../../core/quality.ts';
import type { Instant } from '../../core/time.ts';
import type { HolderSnapshot } from '../store/store.ts';

export const PORTFOLIO_HOLDER = 'portfolio';

/** When a row's send may have left: its intent, acceptance or last sighting; undefined if it never could have. */
function sentAt(e: LedgerEntry): Instant | undefined {
  switch (e.state) {
    case 'intent': return e.intentAt;
    case 'accepted': return e.acceptedAt;
    case 'maybe-sent':
    case 'unknown': return e.since;
    default: return undefined;
  }
}

export class LimitBooks {
  readonly holders = new Map<string, LimitHolder>();

  constructor(readonly policy: Policy) {}

  readonly holderOf = (numberId: string): string => (this.policy.scope === 'number' ? numberId : PORTFOLIO_HOLDER);

  /**
   * Open the books of these numbers if they are not open yet: from a saved snapshot when there is
   * one, else from the number records (a portfolio takes its best tier and worst rating, as Meta's
   * shared limit does). `since` is the earliest instant a replay will bring.
   */
  ensure(numbers: readonly PhoneNumber[], snapshots: readonly HolderSnapshot[], since: Instant): void {
    const byHolder = new Map<string, PhoneNumber[]>();
    for (const n of numbers) {
      const id = this.holderOf(n.id);
      if (this.holders.has(id)) continue;
      byHolder.set(id, [...(byHolder.get(id) ?? []), n]);
    }
    for (const [holderId, members] of byHolder) {
      const saved = snapshots.find((s) => s.state.holderId === holderId)?.state;
      const tiers = members.map((m) => m.tier).filter((t) => this.policy.tiers.includes(t));
      const tier = saved?.tier ?? tiers.reduce((a, b) => (this.policy.tiers.indexOf(b) > this.policy.tiers.indexOf(a) ? b : a), this.policy.initialTier);
      const quality = worstQuality(members.map((m) => m.quality));
      const flagged = this.policy.flagging.enabled && members.some((m) => m.status === 'FLAGGED');
      this.holders.set(holderId, new LimitHolder(this.policy, {
        holderId, at: since, tier, quality, ...(flagged ? { status: 'FLAGGED' as const } : {}), ...(saved?.verified ? { verified: true } : {}),
      }));
    }
  }

  /** Open again, in time order, what the rows say may have gone out within the window before `now`. */
  replay(rows: readonly { readonly entry: LedgerEntry; readonly numbers: readonly string[] }[], now: Instant): void {
    const from = now - this.policy.window;
    const opens: { at: Instant; waId: string; holders: string[] }[] = [];
    for (const { entry, numbers } of rows) {
      const at = sentAt(entry);
      if (at === undefined || at <= from) continue;
      opens.push({ at: Math.min(at, now), waId: entry.key.waId, holders: [...new Set(numbers.map(this.holderOf))] });
    }
    opens.sort((a, b) => a.at - b.at);
    for (const o of opens) {
      for (const id of o.holders) {
        const h = this.holders.get(id);
        if (h && o.at >= h.state.at) h.open(o.waId, o.at);
      }
    }
  }

  snapshots(at: Instant): HolderSnapshot[] {
    return [...this.holders.values()].map((h) => ({ state: h.state, savedAt: at }));
  }
}
