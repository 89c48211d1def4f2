import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.ts';
import {
  applyStatus, beginSend, canBeginSend, createEntry, expireMaybeSent, giveUp, hasMessageId, keyId, recordAccepted, recordMaybeSent,
  recordNotSent, sendBlocker, skip, type EntryStep, type LedgerEntry,
} from '../../core/ledger-entry.ts';
import { HOUR, MINUTE } from '../../core/time.ts';

const T0 = 1_750_000_000_000;
const KEY = { campaignId: 'c1', waId: '966500000001', messageKey: 'm1' };

function ok(step: EntryStep): LedgerEntry {
  if (!step.ok) throw new Error(`expected a step, got a refusal: ${step.refusal.message}`);
  return step.entry;
}
function refusedFor(step: EntryStep): string {
  if (step.ok) throw new Error(`expected a refusal, got ${step.entry.state}`);
  return step.refusal.reason;
}

const pending = (): LedgerEntry => createEntry(KEY, T0);
const intent = (): LedgerEntry => ok(beginSend(pending(), 's1', T0));
const accepted = (): LedgerEntry => ok(recordAccepted(intent(), 's1', 'wamid.A', T0 + 1));
const maybe = (): LedgerEntry => ok(recordMaybeSent(intent(), 's1', T0 + 30_000));
const retryWait = (): LedgerEntry => ok(recordNotSent(intent(), 's1', T0 + 1, { kind: 'retry', retryAt: T0 + HOUR, reason: 'throttled', metaCode: 130429 }));
const unknown = (): LedgerEntry => ok(expireMaybeSent(maybe(), T0 + 8 * HOUR, HOUR));
const failed = (): LedgerEntry => ok(recordNotSent(intent(), 's1', T0 + 1, { kind: 'final', reason: 'invalid-payload', metaCode: 132000, explanation: 'parameter count mismatch' }));
const skipped = (): LedgerEntry => ok(skip(pending(), 'opted-out', T0));

describe('a ledger row', () => {
  it('should validate its key', () => {
    expect(createEntry(KEY, T0)).toEqual({ key: KEY, state: 'pending', sendIds: [], attempts: 0, updatedAt: T0 });
    expect(() => createEntry({ ...KEY, waId: '+966500000001' }, T0)).toThrow(/waId: got "\+966500000001", expected a WhatsApp id: 5-15 digits, no "\+"/);
    expect(() => createEntry({ ...KEY, messageKey: '' }, T0)).toThrow(CoreError);
    expect(() => createEntry(KEY, Number.NaN)).toThrow(/time: got NaN/);
    expect(keyId(KEY)).not.toBe(keyId({ campaignId: 'c1', waId: '966500000001', messageKey: 'm2' }));
  });
});

describe('beginning a send', () => {
  it('should write an intent with a fresh send id and count the attempt', () => {
    const step = beginSend(pending(), 's1', T0);
    expect(step).toMatchObject({ ok: true, entry: { state: 'intent', sendId: 's1', sendIds: ['s1'], attempts: 1, intentAt: T0 }, events: [{ kind: 'send-begun', sendId: 's1', attempt: 1 }] });
  });

  it.each([
    ['intent', intent, 'in-flight'],
    ['accepted', accepted, 'has-message-id'],
    ['maybe-sent', maybe, 'maybe-sent'],
    ['unknown', unknown, 'outcome-unknown'],
    ['failed', failed, 'final'],
    ['skipped', skipped, 'final'],
  ])('should be refused from %s, as a value', (_state, make, reason) => {
    const entry = make();
    expect(refusedFor(beginSend(entry, 's9', T0 + 10 * HOUR))).toBe(reason);
    expect(canBeginSend(entry, T0 + 10 * HOUR)).toBe(false);
  });

  it('should wait for the retry time, then allow a new attempt with a new send id', () => {
    const w = retryWait();
    expect(refusedFor(beginSend(w, 's2', T0 + HOUR - 1))).toBe('retry-not-due');
    expect(sendBlocker(w, T0 + HOUR - 1)?.message).toMatch(/the retry is due at/);
    expect(refusedFor(beginSend(w, 's1', T0 + HOUR))).toBe('send-id-reused');
    const again = ok(beginSend(w, 's2', T0 + HOUR));
    expect(again).toMatchObject({ state: 'intent', sendId: 's2', sendIds: ['s1', 's2'], attempts: 2 });
  });

  it('should refuse a retry-wait row that somehow carries a message id', () => {
    const corrupt = { ...retryWait(), wamid: 'wamid.A' } as LedgerEntry;
    expect(hasMessageId(corrupt)).toBe(true);
    expect(refusedFor(beginSend(corrupt, 's2', T0 + 2 * HOUR))).toBe('has-message-id');
  });
});

describe('recording the send response', () => {
  it('should make the row accepted, for good, and be idempotent', () => {
    const a = accepted();
    expect(a).toMatchObject({ state: 'accepted', sendId: 's1', wamid: 'wamid.A', delivery: { status: 'accepted' }, attempts: 1 });
    expect(recordAccepted(a, 's1', 'wamid.A', T0 + 5)).toEqual({ ok: true, entry: a, events: [] });
    expect(refusedFor(recordAccepted(a, 's1', 'wamid.B', T0 + 5))).toBe('wamid-conflict');
    expect(refusedFor(recordAccepted(a, 'sX', 'wamid.B', T0 + 5))).toBe('not-this-send');
    expect(refusedFor(recordNotSent(a, 's1', T0 + 5, { kind: 'retry', retryAt: T0, reason: 'x' }))).toBe('not-in-flight');
    expect(refusedFor(skip(a, 'opted-out', T0 + 5))).toBe('has-message-id');
  });

  it('should record not-sent outcomes only for the send in flight', () => {
    expect(retryWait()).toMatchObject({ state: 'retry-wait', retryAt: T0 + HOUR, lastError: { reason: 'throttled', metaCode: 130429 } });
    expect(failed()).toMatchObject({ state: 'failed', reason: 'invalid-payload', metaCode: 132000, explanation: 'parameter count mismatch' });
    expect(refusedFor(recordMaybeSent(retryWait(), 's1', T0 + 2))).toBe('not-in-flight');
    expect(refusedFor(recordNotSent(intent(), 's2', T0 + 2, { kind: 'final', reason: 'x', explanation: 'y' }))).toBe('not-in-flight');
  });

  it('should turn a late response after a maybe-sent into an accepted row', () => {
    expect(recordAccepted(maybe(), 's1', 'wamid.A', T0 + MINUTE)).toMatchObject({ ok: true, entry: { state: 'accepted', wamid: 'wamid.A' }, events: [{ kind: 'accepted', from: 'maybe-sent', via: 'response' }] });
  });
});

describe('a row with several attempts', () => {
  const secondAttempt = (): LedgerEntry => ok(beginSend(retryWait(), 's2', T0 + HOUR));

  it('should answer only for the attempt in flight', () => {
    expect(refusedFor(recordMaybeSent(secondAttempt(), 's1', T0 + HOUR + 1))).toBe('not-in-flight');
    expect(refusedFor(recordNotSent(secondAttempt(), 's1', T0 + HOUR + 1, { kind: 'final', reason: 'x', explanation: 'y' }))).toBe('not-in-flight');
    expect(ok(recordMaybeSent(secondAttempt(), 's2', T0 + HOUR + 1))).toMatchObject({ state: 'maybe-sent', sendId: 's2', attempts: 2 });
  });

  it('should keep the first accepted send and report a second one as a duplicate', () => {
    const a = ok(recordAccepted(secondAttempt(), 's2', 'wamid.2', T0 + HOUR + 1));
    expect(recordAccepted(a, 's1', 'wamid.1', T0 + HOUR + 2)).toEqual({ ok: true, entry: a, events: [{ kind: 'duplicate-send', key: KEY, at: T0 + HOUR + 2, sendId: 's1', wamid: 'wamid.1' }] });
  });

  it('should adopt an earlier attempt that a webhook proves went out, marking it superseded', () => {
    const step = applyStatus(secondAttempt(), { sendId: 's1', wamid: 'wamid.1', status: 'delivered', at: T0 + HOUR + 5 });
    expect(step).toMatchObject({ ok: true, entry: { state: 'accepted', sendId: 's1', wamid: 'wamid.1', sendIds: ['s1', 's2'] } });
    expect(step.ok && step.events[0]).toMatchObject({ kind: 'accepted', from: 'intent', superseded: true });
  });
});

describe('maybe-sent and its deadline', () => {
  it('should become unknown only once the deadline passed, and never be resent', () => {
    const m = maybe();
    expect(m).toMatchObject({ state: 'maybe-sent', since: T0 + 30_000 });
    expect(refusedFor(expireMaybeSent(m, T0 + 30_000 + HOUR - 1, HOUR))).toBe('not-due');
    const u = ok(expireMaybeSent(m, T0 + 30_000 + HOUR, HOUR));
    expect(u).toMatchObject({ state: 'unknown', sendId: 's1', since: T0 + 30_000, expiredAt: T0 + 30_000 + HOUR });
    expect(refusedFor(beginSend(u, 's2', T0 + 100 * HOUR))).toBe('outcome-unknown');
  });
});

describe('status webhooks on a row', () => {
  it('should reconcile a maybe-sent row through the echoed send id', () => {
    const step = applyStatus(maybe(), { sendId: 's1', wamid: 'wamid.A', status: 'delivered', at: T0 + MINUTE });
    expect(step).toMatchObject({ ok: true, entry: { state: 'accepted', sendId: 's1', wamid: 'wamid.A', delivery: { status: 'delivered' } } });
    expect(step.ok && step.events.map((e) => e.kind)).toEqual(['accepted', 'delivery-changed']);
  });

  it.each([['intent', intent], ['unknown', unknown], ['retry-wait', retryWait], ['failed', failed]])('should reconcile a %s row too: Meta has the message', (from, make) => {
    const step = applyStatus(make(), { sendId: 's1', wamid: 'wamid.A', status: 'sent', at: T0 + 9 * HOUR });
    expect(step).toMatchObject({ ok: true, entry: { state: 'accepted', delivery: { status: 'sent' } } });
    expect(step.ok && step.events[0]).toMatchObject({ kind: 'accepted', from, via: 'status', sendId: 's1', wamid: 'wamid.A' });
  });

  it('should accept a status naming only the send id, and learn the wamid later', () => {
    const a = ok(applyStatus(maybe(), { sendId: 's1', status: 'sent', at: T0 + MINUTE }));
    expect(a).toMatchObject({ state: 'accepted', delivery: { status: 'sent' } });
    expect(a).not.toHaveProperty('wamid');
    expect(refusedFor(beginSend(a, 's2', T0 + HOUR))).toBe('has-message-id');
    const learned = recordAccepted(a, 's1', 'wamid.A', T0 + 2 * MINUTE);
    expect(learned).toMatchObject({ ok: true, entry: { wamid: 'wamid.A' }, events: [{ kind: 'wamid-learned', wamid: 'wamid.A' }] });
  });

  it('should keep a failed delivery on the accepted row, with its errors, and never allow a resend', () => {
    const errors = [{ code: 131049, title: 'healthy ecosystem' }];
    const f = ok(applyStatus(accepted(), { wamid: 'wamid.A', status: 'failed', at: T0 + MINUTE, errors }));
    expect(f).toMatchObject({ state: 'accepted', delivery: { status: 'failed', errors } });
    expect(refusedFor(beginSend(f, 's2', T0 + 48 * HOUR))).toBe('has-message-id');
  });

  it('should move forward only, and treat a duplicate as a no-op', () => {
    const d = ok(applyStatus(accepted(), { wamid: 'wamid.A', status: 'delivered', at: T0 + 2 * MINUTE }));
    const late = applyStatus(d, { wamid: 'wamid.A', status: 'sent', at: T0 + MINUTE });
    expect(late.ok && late.entry.state === 'accepted' && late.entry.delivery.status).toBe('delivered');
    expect(late.ok && late.events).toEqual([]);
    const again = applyStatus(d, { wamid: 'wamid.A', status: 'delivered', at: T0 + 2 * MINUTE });
    expect(again).toEqual({ ok: true, entry: d, events: [] });
  });

  it('should report a status for another message of the same row as a duplicate send', () => {
    const a = accepted();
    expect(applyStatus(a, { wamid: 'wamid.B', status: 'sent', at: T0 + MINUTE })).toEqual({ ok: true, entry: a, events: [{ kind: 'duplicate-send', key: KEY, at: T0 + MINUTE, wamid: 'wamid.B' }] });
  });

  it('should refuse a status that names none of the row\'s sends', () => {
    expect(refusedFor(applyStatus(maybe(), { sendId: 's7', status: 'sent', at: T0 }))).toBe('not-this-send');
  });
});

describe('skipping and giving up', () => {
  it('should skip pending and retry-wait rows only', () => {
    expect(skipped()).toMatchObject({ state: 'skipped', reason: 'opted-out' });
    expect(ok(skip(retryWait(), 'suppressed', T0 + 2, '131026'))).toMatchObject({ state: 'skipped', reason: 'suppressed', detail: '131026', attempts: 1 });
    expect(refusedFor(skip(intent(), 'opted-out', T0))).toBe('in-flight');
    expect(refusedFor(skip(maybe(), 'opted-out', T0))).toBe('maybe-sent');
    expect(() => skip(pending(), 'bored' as never, T0)).toThrow(/skip reason: got "bored"/);
  });

  it('should give up on a retry-wait row only', () => {
    expect(ok(giveUp(retryWait(), T0 + 7 * 24 * HOUR, { reason: 'retries-exhausted', metaCode: 131049, explanation: 'retried daily for 7 days' })))
      .toMatchObject({ state: 'failed', reason: 'retries-exhausted', metaCode: 131049 });
    expect(refusedFor(giveUp(pending(), T0, { reason: 'x', explanation: 'y' }))).toBe('final');
    expect(refusedFor(giveUp(accepted(), T0, { reason: 'x', explanation: 'y' }))).toBe('has-message-id');
  });
});
