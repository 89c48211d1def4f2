import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignLedger, type StatusOutcome } from '../../core/campaign-ledger.ts';
import { CoreError } from '../../core/errors.ts';
import { keyId, type EntryState, type EntryStep, type LedgerEntry, type LedgerKey, type StatusInput } from '../../core/ledger-entry.ts';
import { DELIVERY_STATUSES, statusRank, type DeliveryStatus } from '../../core/message-status.ts';
import { HOUR, MINUTE } from '../../core/time.ts';

const T0 = 1_750_000_000_000;
const k = (campaignId: string, waId: string, messageKey: string): LedgerKey => ({ campaignId, waId, messageKey });
const A = k('c1', '966500000001', 'm1');
const B = k('c1', '966500000002', 'm1');

function entryOf(step: EntryStep): LedgerEntry {
  if (!step.ok) throw new Error(`expected a step, got a refusal: ${step.refusal.message}`);
  return step.entry;
}

function ledgerWith(...keys: LedgerKey[]): CampaignLedger {
  const l = new CampaignLedger();
  for (const key of keys) entryOf(l.add(key, T0));
  return l;
}

describe('the campaign ledger, by example', () => {
  it('should route a response and its webhooks to the row through the send id and the wamid', () => {
    const l = ledgerWith(A, B);
    entryOf(l.beginSend(A, 's1', T0));
    entryOf(l.recordAccepted('s1', 'wamid.A', T0 + 1));
    expect(l.findByWamid('wamid.A')?.key).toEqual(A);
    expect(l.applyStatus({ wamid: 'wamid.A', status: 'delivered', at: T0 + 5 })).toMatchObject({ kind: 'applied', changed: true, entry: { delivery: { status: 'delivered' } } });
    expect(l.applyStatus({ wamid: 'wamid.A', status: 'delivered', at: T0 + 5 })).toMatchObject({ kind: 'applied', changed: false, events: [] });
    expect(l.applyStatus({ wamid: 'wamid.A', status: 'sent', at: T0 + 2 })).toMatchObject({ kind: 'applied', entry: { delivery: { status: 'delivered' } } });
    expect(l.checkInvariants()).toEqual([]);
  });

  it('should report statuses for ids it never issued as orphans, not throw', () => {
    const l = ledgerWith(A);
    expect(l.applyStatus({ wamid: 'wamid.OTHER', sendId: 'other-app', status: 'read', at: T0 })).toEqual({ kind: 'orphan-status', wamid: 'wamid.OTHER', sendId: 'other-app', status: 'read', at: T0 });
    expect(() => l.applyStatus({ status: 'read', at: T0 } as StatusInput)).toThrow(/has neither a wamid nor a send id/);
    expect(() => l.applyStatus({ wamid: 'wamid.X', status: 'bounced' as DeliveryStatus, at: T0 })).toThrow(CoreError);
  });

  it('should refuse a send id used by another row, an unknown row, and a second add of a row', () => {
    const l = ledgerWith(A, B);
    entryOf(l.beginSend(A, 's1', T0));
    expect(l.beginSend(B, 's1', T0)).toMatchObject({ ok: false, refusal: { reason: 'send-id-reused' } });
    expect(l.beginSend(k('c9', '966500000001', 'm1'), 's2', T0)).toMatchObject({ ok: false, refusal: { reason: 'unknown-key' } });
    expect(l.add(A, T0)).toMatchObject({ ok: false, refusal: { reason: 'duplicate-key' } });
    expect(l.recordAccepted('nope', 'wamid.Z', T0)).toMatchObject({ ok: false, refusal: { reason: 'unknown-send-id' } });
  });

  it('should turn intents into maybe-sent after a restart, and maybe-sent into unknown after the deadline', () => {
    const l = ledgerWith(A, B);
    entryOf(l.beginSend(A, 's1', T0));
    entryOf(l.beginSend(B, 's2', T0));
    entryOf(l.recordMaybeSent('s2', T0 + MINUTE));
    const recovered = l.recoverInFlight(T0 + 2 * MINUTE);
    expect(recovered.events.map((e) => e.kind)).toEqual(['maybe-sent']);
    expect(recovered.entries).toEqual([l.get(A)]);
    expect(l.expireMaybeSent(T0 + MINUTE + HOUR, HOUR).events.map((e) => e.key)).toEqual([B]);
    expect(l.get(A)?.state).toBe('maybe-sent');
    expect(l.get(B)?.state).toBe('unknown');
    expect(l.sendable(T0 + 1000 * HOUR)).toEqual([]);
    expect(l.applyStatus({ sendId: 's2', wamid: 'wamid.B', status: 'read', at: T0 + 3 * HOUR })).toMatchObject({ kind: 'applied', entry: { state: 'accepted', delivery: { status: 'read' } } });
    expect(() => l.expireMaybeSent(T0, -1)).toThrow(/expireMaybeSent timeout: got -1/);
  });

  it('should count a second message of a row once, however often Meta reports it', () => {
    const l = ledgerWith(A);
    entryOf(l.beginSend(A, 's1', T0));
    entryOf(l.recordNotSent('s1', T0 + 1, { kind: 'retry', retryAt: T0 + MINUTE, reason: 'throttled', metaCode: 130429 }));
    entryOf(l.beginSend(A, 's2', T0 + MINUTE));
    entryOf(l.recordAccepted('s2', 'wamid.2', T0 + MINUTE + 1));
    const stray: StatusInput = { sendId: 's1', wamid: 'wamid.1', status: 'delivered', at: T0 + 2 * MINUTE };
    expect(l.applyStatus(stray).kind).toBe('duplicate-send');
    expect(l.applyStatus(stray).kind).toBe('duplicate-send');
    expect(l.applyStatus({ wamid: 'wamid.1', status: 'read', at: T0 + 3 * MINUTE }).kind).toBe('duplicate-send');
    expect(l.duplicateSends()).toEqual([{ key: A, at: T0 + 2 * MINUTE, sendId: 's1', wamid: 'wamid.1' }]);
    expect(l.summary().duplicateSends).toBe(1);
    expect(l.get(A)).toMatchObject({ state: 'accepted', sendId: 's2', wamid: 'wamid.2' });
    expect(l.checkInvariants()).toEqual([]);
  });

  it('should summarise rows by state, delivery, failure and skip reason', () => {
    const C = k('c1', '966500000003', 'm1');
    const D = k('c2', '966500000001', 'm1');
    const l = ledgerWith(A, B, C, D);
    entryOf(l.beginSend(A, 's1', T0));
    entryOf(l.recordAccepted('s1', 'wamid.A', T0));
    l.applyStatus({ wamid: 'wamid.A', status: 'failed', at: T0 + 1, errors: [{ code: 131049, title: 'healthy ecosystem' }] });
    entryOf(l.beginSend(B, 's2', T0));
    entryOf(l.recordNotSent('s2', T0, { kind: 'final', reason: 'invalid-payload', metaCode: 132000, explanation: 'parameter count mismatch' }));
    entryOf(l.skip(C, 'opted-out', T0));
    const s = l.summary('c1');
    expect(s).toMatchObject({ total: 3, attempts: 2, failures: { 'invalid-payload': 1 }, deliveryFailures: { 131049: 1 }, skips: { 'opted-out': 1 }, duplicateSends: 0 });
    expect(s.byState).toEqual({ pending: 0, intent: 0, accepted: 1, 'maybe-sent': 0, 'retry-wait': 0, failed: 1, skipped: 1, unknown: 0 });
    expect(s.byDelivery.failed).toBe(1);
    expect(l.summary().total).toBe(4);
    expect(l.sendable(T0)).toEqual([D]);
  });
});

describe('the ledger invariants', () => {
  const pendingRow = (key: LedgerKey): LedgerEntry => ({ key, state: 'pending', sendIds: [], attempts: 0, updatedAt: T0 });
  const acceptedRow = (key: LedgerKey, sendId: string, wamid: string): LedgerEntry => ({
    key, state: 'accepted', sendId, wamid, acceptedAt: T0, delivery: { status: 'accepted', seenAt: { accepted: T0 }, errors: [] }, sendIds: [sendId], attempts: 1, updatedAt: T0,
  });

  it('should hold for rows a store hands back intact', () => {
    expect(CampaignLedger.fromEntries([pendingRow(A), acceptedRow(B, 's1', 'wamid.B')]).checkInvariants()).toEqual([]);
  });

  it('should catch two accepted rows for one key, a wamid outside accepted, shared send ids and miscounted attempts', () => {
    const retryWithWamid = { key: B, state: 'retry-wait', sendId: 's2', retryAt: T0, lastError: { reason: 'x' }, sendIds: ['s2'], attempts: 1, updatedAt: T0, wamid: 'wamid.B' } as LedgerEntry;
    const C = k('c1', '966500000003', 'm1');
    const D = k('c1', '966500000004', 'm1');
    const l = CampaignLedger.fromEntries([
      acceptedRow(A, 's1', 'wamid.A1'), acceptedRow(A, 's9', 'wamid.A2'),
      retryWithWamid,
      { key: C, state: 'intent', sendId: 's2', intentAt: T0, sendIds: ['s2'], attempts: 1, updatedAt: T0 },
      { key: D, state: 'intent', sendId: 's4', intentAt: T0, sendIds: ['s3', 's4'], attempts: 1, updatedAt: T0 },
    ]);
    const rules = new Set(l.checkInvariants().map((v) => v.rule));
    expect(rules).toEqual(new Set(['one-accepted-send', 'wamid-only-when-accepted', 'unique-send-ids', 'attempts']));
    expect(l.checkInvariants().find((v) => v.rule === 'wamid-only-when-accepted')?.message).toMatch(/966500000002.*carries wamid\.B while retry-wait/);
    expect(l.beginSend(B, 's5', T0 + HOUR)).toMatchObject({ ok: false, refusal: { reason: 'has-message-id' } });
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based: random interleavings of sends, responses, timeouts, webhooks (duplicated, late,
// out of order, for ids we issued and ids we did not), expiries, restarts and time.

const KEYS: LedgerKey[] = ['c1', 'c2'].flatMap((c) => ['966500000001', '966500000002'].flatMap((w) => ['m1', 'm2'].map((m) => k(c, w, m))));

interface KeyModel {
  state: EntryState;
  current?: string;
  acceptedSend?: string;
  wamid?: string;
  retryAt?: number;
  since?: number;
  /** Meta answered (response or status) for one of this row's sends. */
  acknowledged: boolean;
  delivery: number;
  acceptedEvents: number;
}
interface Model {
  now: number;
  nextSend: number;
  nextWamid: number;
  keys: KeyModel[];
  issued: string[];
  owner: Map<string, number>;
  wamids: Map<string, number>;
  reports: StatusInput[];
}

type Cmd = fc.Command<Model, CampaignLedger>;

/** Checked after every command; plain comparisons (not expect) keep thousands of runs fast. */
function verify(m: Model, l: CampaignLedger): void {
  const problems: string[] = l.checkInvariants().map((v) => `invariant ${v.rule}: ${v.message}`);
  const sendable = new Set(l.sendable(m.now).map(keyId));
  KEYS.forEach((key, i) => {
    const km = m.keys[i]!;
    const e = l.get(key)!;
    const at = `${keyId(key)}:`;
    if (e.state !== km.state) problems.push(`${at} ledger ${e.state}, model ${km.state}`);
    if (km.acceptedEvents > 1) problems.push(`${at} accepted ${km.acceptedEvents} times`);
    if ((km.acknowledged || km.state === 'maybe-sent' || km.state === 'unknown') && sendable.has(keyId(key))) problems.push(`${at} sendable although Meta may have it`);
    if (km.acknowledged && e.state !== 'accepted') problems.push(`${at} Meta answered but the row is ${e.state}`);
    if (e.state === 'accepted') {
      if (e.sendId !== km.acceptedSend) problems.push(`${at} accepted send ${e.sendId}, model ${km.acceptedSend}`);
      if (e.wamid !== km.wamid) problems.push(`${at} wamid ${e.wamid}, model ${km.wamid}`);
      if (statusRank(e.delivery.status) !== km.delivery) problems.push(`${at} delivery ${e.delivery.status}, model rank ${km.delivery}`);
    }
  });
  const accepted = m.keys.filter((km) => km.state === 'accepted').length;
  if (l.summary().byState.accepted !== accepted) problems.push(`summary counts ${l.summary().byState.accepted} accepted, model ${accepted}`);
  if (problems.length) throw new Error(problems.join('\n'));
}

function countAccepted(m: Model, step: { ok: boolean; events?: readonly { kind: string; key: LedgerKey }[] }): void {
  if (!step.ok || !step.events) return;
  for (const e of step.events) if (e.kind === 'accepted') m.keys[KEYS.findIndex((x) => keyId(x) === keyId(e.key))]!.acceptedEvents += 1;
}

function cmd(label: string, run: (m: Model, l: CampaignLedger) => void, check: (m: Readonly<Model>) => boolean = () => true): Cmd {
  return { check, run: (m, l) => { run(m, l); verify(m, l); }, toString: () => label };
}

const pick = (m: Readonly<Model>, i: number): string => m.issued[i % m.issued.length]!;
/** Mostly the latest sends: responses and webhooks follow their sends, give or take a few. */
const recent = (m: Readonly<Model>, j: number): string => m.issued[Math.max(0, m.issued.length - 1 - (j % 4))]!;
const hasIssued = (m: Readonly<Model>): boolean => m.issued.length > 0;

/** The model's reading of a status webhook: which row it lands on and what it does there. */
function applyStatusToModel(m: Model, report: StatusInput, outcome: StatusOutcome): void {
  const { wamid, sendId } = report;
  const i = (wamid !== undefined ? m.wamids.get(wamid) : undefined) ?? (sendId !== undefined ? m.owner.get(sendId) : undefined);
  if (i === undefined) { expect(outcome.kind).toBe('orphan-status'); return; }
  const km = m.keys[i]!;
  if (sendId !== undefined && m.owner.get(sendId) === i) km.acknowledged = true;
  if (km.state !== 'accepted') {
    Object.assign(km, { state: 'accepted', acceptedSend: sendId, wamid, delivery: statusRank(report.status) });
    if (wamid !== undefined) m.wamids.set(wamid, i);
    expect(outcome.kind).toBe('applied');
    return;
  }
  const same = wamid !== undefined ? wamid === km.wamid || (km.wamid === undefined && sendId === km.acceptedSend) : sendId === km.acceptedSend;
  if (!same) {
    if (wamid !== undefined) m.wamids.set(wamid, i);
    expect(outcome.kind).toBe('duplicate-send');
    return;
  }
  if (km.wamid === undefined && wamid !== undefined) { km.wamid = wamid; m.wamids.set(wamid, i); }
  km.delivery = Math.max(km.delivery, statusRank(report.status));
  expect(outcome.kind).toBe('applied');
}

const keyIndex = fc.nat({ max: KEYS.length - 1 });
const anyIndex = fc.nat({ max: 50 });
const status = fc.constantFrom<DeliveryStatus>(...DELIVERY_STATUSES);

// Half the time, prefer a row waiting for a retry: that is where a second send could slip in.
const beginSendCmd = fc.tuple(keyIndex, fc.boolean()).map(([k, preferRetry]) => cmd(`beginSend(${k}${preferRetry ? ', prefer retry' : ''})`, (m, l) => {
  const waiting = m.keys.flatMap((km, j) => (km.state === 'retry-wait' ? [j] : []));
  const i = preferRetry && waiting.length ? waiting[k % waiting.length]! : k;
  const km = m.keys[i]!;
  const sendId = `s${m.nextSend++}`;
  const allowed = km.state === 'pending' || (km.state === 'retry-wait' && km.retryAt! <= m.now);
  const step = l.beginSend(KEYS[i]!, sendId, m.now);
  // The key property: once Meta answered for a row, or a send of it may have gone out, no second send.
  if (km.acknowledged || ['accepted', 'maybe-sent', 'unknown', 'intent'].includes(km.state)) expect(step.ok).toBe(false);
  expect(step.ok).toBe(allowed);
  if (!allowed) return;
  Object.assign(km, { state: 'intent', current: sendId });
  m.issued.push(sendId);
  m.owner.set(sendId, i);
}));

const statusCmd = fc.tuple(fc.constantFrom('send', 'send', 'both', 'both', 'wamid', 'unknown-send', 'unknown-wamid'), anyIndex, status, fc.nat({ max: 10 * MINUTE }))
  .map(([by, j, s, back]) => cmd(`status(${by}, ${j}, ${s}, -${back})`, (m, l) => {
    const at = m.now - back;
    let report: StatusInput;
    if (by === 'unknown-send') report = { sendId: `other-${j}`, status: s, at };
    else if (by === 'unknown-wamid') report = { wamid: `wamid.x${j}`, status: s, at };
    else if (by === 'wamid') {
      const known = [...m.wamids.keys()];
      report = known.length ? { wamid: known[j % known.length]!, status: s, at } : { wamid: `wamid.x${j}`, status: s, at };
    } else if (!hasIssued(m)) report = { sendId: `other-${j}`, status: s, at };
    else {
      const sendId = j % 5 === 4 ? pick(m, j) : recent(m, j);
      const km = m.keys[m.owner.get(sendId)!]!;
      const wamid = km.acceptedSend === sendId && km.wamid !== undefined ? km.wamid : `wamid.${m.nextWamid++}`;
      report = by === 'both' ? { sendId, wamid, status: s, at } : { sendId, status: s, at };
    }
    const outcome = l.applyStatus(report);
    if (outcome.kind !== 'orphan-status') countAccepted(m, { ok: true, events: outcome.events });
    applyStatusToModel(m, report, outcome);
    m.reports.push(report);
  }));

const commands: fc.Arbitrary<Cmd>[] = [
  beginSendCmd, beginSendCmd, beginSendCmd, statusCmd, statusCmd,
  fc.oneof(fc.integer({ min: 1, max: 15 * MINUTE }), fc.integer({ min: 1, max: 3 * HOUR })).map((dt) => cmd(`advance(${dt})`, (m) => { m.now += dt; })),

  fc.tuple(keyIndex, anyIndex).map(([i, j]) => cmd(`beginSendReusing(${i}, ${j})`, (m, l) => {
    expect(l.beginSend(KEYS[i]!, pick(m, j), m.now)).toMatchObject({ ok: false, refusal: { reason: 'send-id-reused' } });
  }, hasIssued)),

  anyIndex.map((j) => cmd(`recordAccepted(${j})`, (m, l) => {
    const sendId = j % 5 === 4 ? pick(m, j) : recent(m, j);
    const i = m.owner.get(sendId)!;
    const km = m.keys[i]!;
    const wamid = `wamid.${m.nextWamid++}`;
    const step = l.recordAccepted(sendId, wamid, m.now);
    countAccepted(m, step);
    if (km.state !== 'accepted') {
      expect(step.ok).toBe(true);
      Object.assign(km, { state: 'accepted', acceptedSend: sendId, wamid, delivery: 0 });
      m.wamids.set(wamid, i);
    } else if (km.acceptedSend !== sendId) {
      expect(step.ok && step.events.map((e) => e.kind)).toEqual(['duplicate-send']);
      m.wamids.set(wamid, i);
    } else if (km.wamid === undefined) {
      expect(step.ok).toBe(true);
      km.wamid = wamid;
      m.wamids.set(wamid, i);
    } else {
      expect(step).toMatchObject({ ok: false, refusal: { reason: 'wamid-conflict' } });
      return;
    }
    km.acknowledged = true;
  }, hasIssued)),

  fc.tuple(anyIndex, fc.nat({ max: 3 }).map((n) => n > 0), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10 * MINUTE }))).map(([j, retry, delay]) => cmd(`recordNotSent(${j}, ${retry ? `retry +${delay}` : 'final'})`, (m, l) => {
    const sendId = j % 5 === 4 ? pick(m, j) : recent(m, j);
    const km = m.keys[m.owner.get(sendId)!]!;
    const outcome = retry ? { kind: 'retry' as const, retryAt: m.now + delay, reason: 'throttled', metaCode: 130429 } : { kind: 'final' as const, reason: 'invalid-payload', metaCode: 132000, explanation: 'bad parameters' };
    const step = l.recordNotSent(sendId, m.now, outcome);
    const inFlight = km.state === 'intent' && km.current === sendId;
    expect(step.ok).toBe(inFlight);
    if (inFlight) Object.assign(km, retry ? { state: 'retry-wait', retryAt: m.now + delay } : { state: 'failed' });
  }, hasIssued)),

  anyIndex.map((j) => cmd(`recordMaybeSent(${j})`, (m, l) => {
    const sendId = j % 5 === 4 ? pick(m, j) : recent(m, j);
    const km = m.keys[m.owner.get(sendId)!]!;
    const inFlight = km.state === 'intent' && km.current === sendId;
    expect(l.recordMaybeSent(sendId, m.now).ok).toBe(inFlight);
    if (inFlight) Object.assign(km, { state: 'maybe-sent', since: m.now });
  }, hasIssued)),

  anyIndex.map((j) => cmd(`replayStatus(${j})`, (m, l) => {
    const report = m.reports[j % m.reports.length]!;
    const before = l.summary();
    const outcome = l.applyStatus(report);
    if (outcome.kind === 'applied') expect(outcome.changed).toBe(false);
    applyStatusToModel(m, report, outcome);
    expect(l.summary()).toEqual(before);
  }, (m) => m.reports.length > 0)),

  fc.constantFrom(MINUTE, HOUR, 4 * HOUR).map((timeout) => cmd(`expireMaybeSent(${timeout})`, (m, l) => {
    const due = m.keys.filter((km) => km.state === 'maybe-sent' && km.since! + timeout <= m.now);
    if (l.expireMaybeSent(m.now, timeout).entries.length !== due.length) throw new Error(`expired count differs from the model's ${due.length}`);
    for (const km of due) km.state = 'unknown';
  })),

  fc.constant(cmd('recoverInFlight', (m, l) => {
    const intents = m.keys.filter((km) => km.state === 'intent');
    if (l.recoverInFlight(m.now).events.length !== intents.length) throw new Error(`recovered count differs from the model's ${intents.length}`);
    for (const km of intents) Object.assign(km, { state: 'maybe-sent', since: m.now });
  })),

  keyIndex.map((i) => cmd(`skip(${i})`, (m, l) => {
    const km = m.keys[i]!;
    const allowed = km.state === 'pending' || km.state === 'retry-wait';
    expect(l.skip(KEYS[i]!, 'opted-out', m.now).ok).toBe(allowed);
    if (allowed) km.state = 'skipped';
  })),

  keyIndex.map((i) => cmd(`giveUp(${i})`, (m, l) => {
    const km = m.keys[i]!;
    expect(l.giveUp(KEYS[i]!, m.now, { reason: 'retries-exhausted', explanation: 'gave up' }).ok).toBe(km.state === 'retry-wait');
    if (km.state === 'retry-wait') km.state = 'failed';
  })),
];

describe('the campaign ledger under random interleavings (model-based)', () => {
  it('should keep its invariants, agree with the model, and never allow a second send of a message Meta may have', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80, size: 'large' }), (cmds) => {
        const setup = () => {
          const real = new CampaignLedger();
          for (const key of KEYS) entryOf(real.add(key, T0));
          const model: Model = {
            now: T0, nextSend: 1, nextWamid: 1, issued: [], owner: new Map(), wamids: new Map(), reports: [],
            keys: KEYS.map(() => ({ state: 'pending' as EntryState, acknowledged: false, delivery: 0, acceptedEvents: 0 })),
          };
          return { model, real };
        };
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 250 },
    );
  });
});
