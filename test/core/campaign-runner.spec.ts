import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND, createContact, type LedgerEntry } from '../../core/index.ts';
import { Harness, T0, optedIn, rejected, waIdOf } from './runner-harness.ts';

const states = (h: Harness) => {
  const count: Record<string, number> = {};
  for (const e of h.ledger.entries('c1')) count[e.state] = (count[e.state] ?? 0) + 1;
  return count;
};

describe('campaign runner: pacing under the limit', () => {
  it('should send a burst up to the rolling-window limit and roll the rest to the next windows, failing nobody', () => {
    const h = new Harness({ recipients: 600, schedule: { kind: 'burst' }, tier: 'TIER_250', policy: 'meta-2025-10' });
    h.runUntil(T0 + 5 * DAY);
    const day = (d: number) => h.sends.filter((s) => s.at >= T0 + d * DAY && s.at < T0 + (d + 1) * DAY).length;
    expect([day(0), day(1), day(2)]).toEqual([250, 250, 100]);
    expect(states(h)).toEqual({ accepted: 600 });
    expect(h.runner.campaign.status).toBe('completed');
    expect(h.ledger.checkInvariants()).toEqual([]);
  });

  it('should never send more than the throughput allows in any one second', () => {
    const h = new Harness({ recipients: 2000, schedule: { kind: 'burst' }, tier: 'TIER_10K' });
    h.runUntil(T0 + HOUR);
    const perSecond = new Map<number, number>();
    for (const s of h.sends) perSecond.set(Math.floor(s.at / SECOND), (perSecond.get(Math.floor(s.at / SECOND)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(80);
    expect(h.sends).toHaveLength(2000);
  });

  it('should spread a campaign over a pool of campaign numbers and keep each recipient on its number', () => {
    const h = new Harness({ recipients: 300, schedule: { kind: 'burst' }, tier: 'TIER_250', numbers: 2 });
    h.runUntil(T0 + HOUR);
    const byNumber = new Map<string, number>();
    for (const s of h.sends) byNumber.set(s.req.numberId, (byNumber.get(s.req.numberId) ?? 0) + 1);
    expect([...byNumber.values()].sort()).toEqual([150, 150]);
  });
});

describe('campaign runner: who may be sent to', () => {
  it('should skip contacts without opt-in, opted out or suppressed, each with its reason', () => {
    const h = new Harness({
      recipients: 4, schedule: { kind: 'burst' },
      contact: (i, waId) => (i === 0 ? undefined : i === 1 ? createContact({ msisdn: `+${waId}`, optIn: { source: 'web-form', at: T0 - DAY }, optOut: { at: T0 - HOUR, via: 'keyword' } }) : optedIn(waId)),
    });
    h.signal({ kind: 'inbound', at: T0, numberId: 'n1', from: waIdOf(2), text: 'STOP', optOut: true });
    h.runUntil(T0 + HOUR);
    expect(h.sends.map((s) => s.req.to)).toEqual([waIdOf(3)]);
    expect(h.ledger.summary('c1').skips).toEqual({ 'no-opt-in': 1, 'opted-out': 2 });
    expect(h.notices).toContainEqual(expect.objectContaining({ kind: 'reply-routed', to: 'main', contact: waIdOf(2), text: 'STOP' }));
    expect(h.contactUpdates).toContainEqual(expect.objectContaining({ waId: waIdOf(2), change: { kind: 'opt-out', text: 'STOP' } }));
  });
});

describe('campaign runner: protecting the number', () => {
  it('should pause within one pacing step when quality drops to LOW, with the reason in the alert', () => {
    const h = new Harness({ recipients: 5000, schedule: { kind: 'ramp', start: 2400, growth: 1, step: DAY, cap: 2400 }, tier: 'TIER_10K' });
    h.runUntil(T0 + 10 * MINUTE);
    const before = h.sends.length;
    h.signal({ kind: 'number-quality', at: h.now, numberId: 'n1', quality: 'LOW' });
    expect(h.runner.campaign.status).toBe('paused');
    expect(h.notices).toContainEqual(expect.objectContaining({ kind: 'campaign-paused', reason: 'quality-drop', detail: 'number n1 quality fell from HIGH to LOW' }));
    h.runUntil(T0 + DAY);
    expect(h.sends.length).toBe(before);
    h.apply(h.runner.resume('U123', h.now));
    h.runUntil(T0 + DAY + HOUR);
    expect(h.sends.length).toBeGreaterThan(before);
  });

  it('should follow a tier webhook stamped before the last send instead of refusing it', () => {
    const h = new Harness({ recipients: 20, schedule: { kind: 'burst' }, tier: 'TIER_250' });
    h.runUntil(T0 + MINUTE);
    h.signal({ kind: 'number-tier', at: T0 - SECOND, numberId: 'n1', tier: 'TIER_10K' });
    expect(h.holders.get('n1')!.state.tier).toBe('TIER_10K');
  });

  it('should pause on 131048 and on a template pause, and leave the cut-off sends for after resuming', () => {
    const h = new Harness({ recipients: 50, schedule: { kind: 'burst' }, answer: (req, n) => (n === 10 ? rejected(131048) : { kind: 'accepted', wamid: `w.${req.sendId}`, held: false }) });
    h.runUntil(T0 + HOUR);
    expect(h.runner.campaign.status).toBe('paused');
    expect(h.runner.campaign.pause?.reason).toBe('spam-rate-limit');
    const cut = h.ledger.entries('c1').filter((e) => e.state === 'retry-wait');
    expect(cut).toHaveLength(1);
    h.apply(h.runner.resume('U1', h.now + MINUTE));
    h.now += MINUTE;
    h.runUntil(T0 + 2 * HOUR);
    expect(states(h)).toEqual({ accepted: 50 });
  });

  it('should pause when more than 25 % of recent outcomes failed', () => {
    const h = new Harness({ recipients: 400, schedule: { kind: 'burst' }, answer: (req, n) => (n % 3 === 0 ? rejected(131026) : { kind: 'accepted', wamid: `w.${req.sendId}`, held: false }) });
    h.runUntil(T0 + HOUR);
    expect(h.runner.campaign.pause?.reason).toBe('failure-rate');
    expect(h.contactUpdates.filter((u) => u.change.kind === 'suppress')).not.toHaveLength(0);
  });
});

describe('campaign runner: never twice', () => {
  it('should retry 130429 with backoff and suppress on 131026, never sending an accepted row again', () => {
    const h = new Harness({ recipients: 10, schedule: { kind: 'burst' }, options: { maxFailureShare: 1 }, answer: (req, n) => (n < 3 ? rejected(130429) : req.to === waIdOf(9) ? rejected(131026) : { kind: 'accepted', wamid: `w.${req.sendId}`, held: false }) });
    h.runUntil(T0 + HOUR);
    const perRecipient = new Map<string, number>();
    for (const s of h.sends) perRecipient.set(s.req.to, (perRecipient.get(s.req.to) ?? 0) + 1);
    expect(perRecipient.get(waIdOf(0))).toBe(2);
    expect(states(h)).toEqual({ accepted: 9, failed: 1 });
    expect((h.ledger.get({ campaignId: 'c1', waId: waIdOf(9), messageKey: 'm1' }) as LedgerEntry & { reason: string }).reason).toBe('suppress-contact');
  });

  it('should reconcile a maybe-sent send through its callback data, or report it unknown, and never resend it', () => {
    const h = new Harness({ recipients: 2, schedule: { kind: 'burst' }, answer: () => ({ kind: 'maybe-sent', reason: 'timeout' }) });
    h.runUntil(T0 + MINUTE);
    expect(states(h)).toEqual({ 'maybe-sent': 2 });
    h.signal({ kind: 'status', at: h.now, sendId: h.sends[0]!.req.sendId, wamid: 'wamid.X', status: 'sent' });
    h.runUntil(T0 + 3 * HOUR);
    expect(states(h)).toEqual({ accepted: 1, unknown: 1 });
    expect(h.sends).toHaveLength(2);
    expect(h.notices).toContainEqual(expect.objectContaining({ kind: 'outcome-unknown', contact: waIdOf(1) }));
    expect(h.runner.campaign.status).toBe('completed');
  });

  it('should send a sequence in order, each step after the previous one was delivered', () => {
    const h = new Harness({ recipients: 1, schedule: { kind: 'burst' }, messageKeys: ['m1', 'm2'] });
    h.runUntil(T0 + MINUTE);
    expect(h.sends.map((s) => s.req.sendId)).toEqual([`c1.${waIdOf(0)}.m1.1`]);
    h.signal({ kind: 'status', at: h.now, wamid: `wamid.c1.${waIdOf(0)}.m1.1`, status: 'delivered' });
    h.runUntil(T0 + 2 * MINUTE);
    expect(h.sends.map((s) => s.req.sendId)).toEqual([`c1.${waIdOf(0)}.m1.1`, `c1.${waIdOf(0)}.m2.1`]);
  });

  it('should follow up a 131049 frequency cap no sooner than 24 h later, as a new message', () => {
    const h = new Harness({ recipients: 1, schedule: { kind: 'burst' } });
    h.runUntil(T0 + MINUTE);
    h.signal({ kind: 'status', at: h.now, wamid: `wamid.c1.${waIdOf(0)}.m1.1`, status: 'failed', errors: [{ code: 131049 }] });
    h.runUntil(T0 + 23 * HOUR);
    expect(h.sends).toHaveLength(1);
    h.runUntil(T0 + 3 * DAY);
    expect(h.sends.map((s) => s.req.sendId)).toEqual([`c1.${waIdOf(0)}.m1.1`, `c1.${waIdOf(0)}.m1~1.1`]);
    expect(h.sends[1]!.at - h.sends[0]!.at).toBeGreaterThanOrEqual(DAY);
  });
});
