import { describe, expect, it } from 'vitest';
import { CampaignLedger } from '../../../core/campaign-ledger.ts';
import type { LedgerEntry } from '../../../core/ledger-entry.ts';
import { createPhoneNumber } from '../../../core/phone-number.ts';
import { getPolicy } from '../../../core/policy.ts';
import { HOUR } from '../../../core/time.ts';
import { LimitBooks, PORTFOLIO_HOLDER } from '../../../bot/campaigns/limit-books.ts';

const NOW = Date.UTC(2026, 2, 1, 12);
const number = (id: string, tier: string, quality = 'HIGH') => createPhoneNumber({ id, role: 'campaign', tier, quality });

/** Rows as a restarted process finds them: sent 2 h and 30 h ago, one in flight, one that never left. */
function rows(): LedgerEntry[] {
  const ledger = new CampaignLedger();
  const key = (waId: string) => ({ campaignId: 'c1', waId, messageKey: 'm1' });
  const send = (waId: string, at: number, end: 'accepted' | 'intent' | 'failed') => {
    ledger.add(key(waId), at);
    ledger.beginSend(key(waId), `c1.${waId}.m1.1`, at);
    if (end === 'accepted') ledger.recordAccepted(`c1.${waId}.m1.1`, `wamid.${waId}`, at);
    if (end === 'failed') ledger.recordNotSent(`c1.${waId}.m1.1`, at, { kind: 'final', reason: 'fix-payload', explanation: 'bad' });
  };
  send('966500000001', NOW - 30 * HOUR, 'accepted');
  send('966500000002', NOW - 2 * HOUR, 'accepted');
  send('966500000003', NOW - HOUR, 'intent');
  send('966500000004', NOW - HOUR, 'failed');
  return ledger.entries();
}

describe('the limit books a restarted process rebuilds', () => {
  it('should share one portfolio under meta-2025-10, at its best tier and worst rating', () => {
    const books = new LimitBooks(getPolicy('meta-2025-10'));
    books.ensure([number('a', 'TIER_2K'), number('b', 'TIER_10K', 'MEDIUM')], [], NOW - 24 * HOUR);
    expect([...books.holders.keys()]).toEqual([PORTFOLIO_HOLDER]);
    expect(books.holders.get(PORTFOLIO_HOLDER)!.state).toMatchObject({ tier: 'TIER_10K', quality: 'MEDIUM' });
    expect(books.holderOf('a')).toBe(PORTFOLIO_HOLDER);
  });

  it('should count again what may have gone out within the window, and nothing else', () => {
    const books = new LimitBooks(getPolicy('meta-2025-10'));
    books.ensure([number('a', 'TIER_2K')], [], NOW - 24 * HOUR);
    books.replay(rows().map((entry) => ({ entry, numbers: ['a'] })), NOW);
    const h = books.holders.get(PORTFOLIO_HOLDER)!;
    expect(h.used(NOW)).toBe(2);
    expect(h.account.isOpen('966500000002', NOW)).toBe(true);
    expect(h.account.isOpen('966500000003', NOW)).toBe(true);
  });

  it('should charge every number of the pool under meta-2023, since rows do not say which one sent', () => {
    const books = new LimitBooks(getPolicy('meta-2023'));
    books.ensure([number('a', 'TIER_1K'), number('b', 'TIER_1K')], [], NOW - 24 * HOUR);
    books.replay(rows().map((entry) => ({ entry, numbers: ['a', 'b'] })), NOW);
    expect(books.holders.get('a')!.used(NOW)).toBe(2);
    expect(books.holders.get('b')!.used(NOW)).toBe(2);
  });

  it('should start from a saved snapshot\'s tier when there is one', () => {
    const books = new LimitBooks(getPolicy('meta-2023'));
    const saved = new LimitBooks(getPolicy('meta-2023'));
    saved.ensure([number('a', 'TIER_10K')], [], NOW - HOUR);
    books.ensure([number('a', 'TIER_1K')], saved.snapshots(NOW), NOW - HOUR);
    expect(books.holders.get('a')!.state.tier).toBe('TIER_10K');
  });
});
