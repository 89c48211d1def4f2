import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoreError } from '../../core/errors.ts';
import {
  DELIVERY_STATUSES, initialMessageState, isFinalStatus, mergeStatus, parseDeliveryStatus, statusRank,
} from '../../core/message-status.ts';
import type { DeliveryStatus, MessageState, StatusError, StatusReport } from '../../core/message-status.ts';

const T0 = 1_750_030_000_000;
const ERR_131049: StatusError = { code: 131049, title: 'Not delivered to maintain healthy ecosystem engagement', details: 'marketing cap' };
const ERR_131026: StatusError = { code: 131026, title: 'Message undeliverable' };

const at = (s: number) => T0 + s * 1000;
const fold = (reports: readonly StatusReport[], start: MessageState = initialMessageState(T0)) => reports.reduce(mergeStatus, start);

describe('parsing a delivery status', () => {
  it('should accept every status and Meta\'s held_for_quality_assessment', () => {
    for (const s of DELIVERY_STATUSES) expect(parseDeliveryStatus(s)).toBe(s);
    expect(parseDeliveryStatus('held_for_quality_assessment')).toBe('held');
  });

  it.each([['deleted'], ['DELIVERED'], [''], [undefined], [null], [3], [{}]])('should refuse %j with WA_UNKNOWN_STATUS', (bad) => {
    let err: unknown;
    try {
      parseDeliveryStatus(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('WA_UNKNOWN_STATUS');
    expect((err as CoreError).message).toMatch(/^message status: got .*, expected one of accepted, held, sent, failed, delivered, read, held_for_quality_assessment$/);
  });

  it('should rank failed above sent but below delivered, and read last', () => {
    expect(DELIVERY_STATUSES.map(statusRank)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(statusRank('failed')).toBeGreaterThan(statusRank('sent'));
    expect(statusRank('failed')).toBeLessThan(statusRank('delivered'));
    expect(DELIVERY_STATUSES.filter(isFinalStatus)).toEqual(['read']);
  });
});

describe('merging status reports', () => {
  it('should move forward through sent, delivered and read, recording when each was seen', () => {
    const s = fold([{ status: 'sent', at: at(1) }, { status: 'delivered', at: at(2) }, { status: 'read', at: at(9) }]);
    expect(s).toEqual({ status: 'read', seenAt: { accepted: T0, sent: at(1), delivered: at(2), read: at(9) }, errors: [] });
  });

  it('should accept read without delivered', () => {
    expect(fold([{ status: 'read', at: at(5) }]).status).toBe('read');
  });

  it('should not move backwards when a late delivered arrives after read, but should still record its time', () => {
    const s = fold([{ status: 'read', at: at(9) }, { status: 'delivered', at: at(2) }]);
    expect(s.status).toBe('read');
    expect(s.seenAt.delivered).toBe(at(2));
  });

  it('should keep a failure\'s errors, and drop them when the message turns out delivered', () => {
    const failed = fold([{ status: 'sent', at: at(1) }, { status: 'failed', at: at(3), errors: [ERR_131049] }]);
    expect(failed).toMatchObject({ status: 'failed', errors: [ERR_131049] });
    const delivered = mergeStatus(failed, { status: 'delivered', at: at(4) });
    expect(delivered).toMatchObject({ status: 'delivered', errors: [] });
    expect(mergeStatus(delivered, { status: 'failed', at: at(5), errors: [ERR_131026] })).toMatchObject({ status: 'delivered', errors: [] });
  });

  it('should keep the earliest failure\'s errors, whichever arrives first', () => {
    const early: StatusReport = { status: 'failed', at: at(2), errors: [ERR_131026] };
    const late: StatusReport = { status: 'failed', at: at(7), errors: [ERR_131049] };
    expect(fold([early, late]).errors).toEqual([ERR_131026]);
    expect(fold([late, early]).errors).toEqual([ERR_131026]);
  });

  it('should resolve two failures at the same second the same way in either order', () => {
    const bare: StatusReport = { status: 'failed', at: at(2) };
    const withErrors: StatusReport = { status: 'failed', at: at(2), errors: [ERR_131049] };
    expect(fold([bare, withErrors])).toEqual(fold([withErrors, bare]));
    expect(fold([bare, withErrors]).errors).toEqual([ERR_131049]);
    const other: StatusReport = { status: 'failed', at: at(2), errors: [ERR_131026] };
    expect(fold([other, withErrors])).toEqual(fold([withErrors, other]));
  });

  it('should return the very same object for a duplicate webhook', () => {
    const report: StatusReport = { status: 'failed', at: at(3), errors: [ERR_131049] };
    const once = fold([{ status: 'sent', at: at(1) }, report]);
    expect(mergeStatus(once, report)).toBe(once);
    expect(mergeStatus(once, { ...report, errors: [{ ...ERR_131049 }] })).toBe(once);
    expect(mergeStatus(once, { status: 'sent', at: at(2) })).toBe(once);
  });
});

// Few distinct instants and error lists, so ties and duplicates are common.
const errorArb: fc.Arbitrary<StatusError> = fc.record(
  { code: fc.constantFrom(131026, 131049, 131000), title: fc.constantFrom('a', 'b'), details: fc.constantFrom('x', 'y') },
  { requiredKeys: ['code'] },
);
const reportArb: fc.Arbitrary<StatusReport> = fc.record(
  { status: fc.constantFrom(...DELIVERY_STATUSES), at: fc.integer({ min: 0, max: 3 }).map(at), errors: fc.array(errorArb, { maxLength: 2 }) },
  { requiredKeys: ['status', 'at'] },
);
/** A multiset of reports with duplicates: some repeated by reference, some as structural copies (as a re-delivered webhook is). */
const multisetArb = fc.array(reportArb, { minLength: 1, maxLength: 8 }).chain((base) =>
  fc.array(fc.tuple(fc.nat(base.length - 1), fc.boolean()), { maxLength: 6 })
    .map((picks) => [...base, ...picks.map(([i, copy]) => (copy ? structuredClone(base[i]!) : base[i]!))]));
const twoOrdersArb = multisetArb.chain((reports) => fc.tuple(
  fc.shuffledSubarray(reports, { minLength: reports.length, maxLength: reports.length }),
  fc.shuffledSubarray(reports, { minLength: reports.length, maxLength: reports.length }),
));
const startArb = fc.tuple(fc.constantFrom<DeliveryStatus>('accepted', 'held'), fc.integer({ min: 0, max: 6 }).map(at))
  .map(([status, t]) => initialMessageState(t, status));

describe('a message\'s status never moves backwards, whatever order its webhooks arrive in', () => {
  it('should reach the same state from any two orders of the same reports', () => {
    fc.assert(fc.property(startArb, twoOrdersArb, (start, [a, b]) => {
      expect(fold(b, start)).toEqual(fold(a, start));
    }), { numRuns: 300 });
  });

  it('should never lower the status rank from one step to the next', () => {
    fc.assert(fc.property(startArb, twoOrdersArb, (start, [order]) => {
      let state = start;
      for (const report of order) {
        const next = mergeStatus(state, report);
        expect(statusRank(next.status)).toBeGreaterThanOrEqual(statusRank(state.status));
        state = next;
      }
    }), { numRuns: 300 });
  });

  it('should be idempotent: merging the same report again returns the identical object', () => {
    fc.assert(fc.property(startArb, fc.array(reportArb, { maxLength: 6 }), reportArb, (start, prefix, report) => {
      const once = mergeStatus(fold(prefix, start), report);
      expect(mergeStatus(once, report)).toBe(once);
      expect(mergeStatus(once, structuredClone(report))).toBe(once);
    }), { numRuns: 300 });
  });

  it('should end on the highest-ranked status reported, with each status\'s earliest time', () => {
    fc.assert(fc.property(startArb, multisetArb, (start, reports) => {
      const final = fold(reports, start);
      const all: StatusReport[] = [{ status: start.status, at: start.seenAt[start.status]! }, ...reports];
      const top = all.reduce((best, r) => (statusRank(r.status) > statusRank(best) ? r.status : best), start.status);
      expect(final.status).toBe(top);
      const earliest: Partial<Record<DeliveryStatus, number>> = {};
      for (const r of all) earliest[r.status] = Math.min(earliest[r.status] ?? Infinity, r.at);
      expect(final.seenAt).toEqual(earliest);
      if (final.status !== 'failed') expect(final.errors).toEqual([]);
      else {
        const firstFailures = reports.filter((r) => r.status === 'failed' && r.at === earliest.failed);
        expect(firstFailures.map((r) => r.errors ?? [])).toContainEqual(final.errors);
      }
    }), { numRuns: 300 });
  });
});

describe('merging against a model of the reports seen so far', () => {
  interface Model { seen: StatusReport[] }
  type Real = { state: MessageState };
  const check = (m: Model, r: Real) => {
    const top = m.seen.reduce<DeliveryStatus>((best, x) => (statusRank(x.status) > statusRank(best) ? x.status : best), 'accepted');
    expect(r.state.status).toBe(top);
    for (const s of DELIVERY_STATUSES) {
      const times = m.seen.filter((x) => x.status === s).map((x) => x.at);
      expect(r.state.seenAt[s]).toBe(times.length > 0 ? Math.min(...times) : undefined);
    }
  };
  class Merge implements fc.Command<Model, Real> {
    constructor(readonly report: StatusReport) {}
    check = () => true;
    run(m: Model, r: Real): void {
      m.seen.push(this.report);
      r.state = mergeStatus(r.state, this.report);
      check(m, r);
    }
    toString = () => `merge(${this.report.status}@${this.report.at - T0})`;
  }
  class Redeliver implements fc.Command<Model, Real> {
    constructor(readonly pick: number) {}
    check = (m: Readonly<Model>) => m.seen.length > 0;
    run(m: Model, r: Real): void {
      const before = r.state;
      r.state = mergeStatus(r.state, structuredClone(m.seen[this.pick % m.seen.length]!));
      expect(r.state).toBe(before);
    }
    toString = () => `redeliver(${this.pick})`;
  }

  it('should track the top status and first-seen times, and ignore redelivered webhooks', () => {
    const commands = [reportArb.map((r) => new Merge(r)), fc.nat().map((i) => new Redeliver(i))];
    fc.assert(fc.property(fc.commands(commands, { maxCommands: 25 }), (cmds) => {
      const setup = () => ({ model: { seen: [{ status: 'accepted' as const, at: T0 }] }, real: { state: initialMessageState(T0) } });
      fc.modelRun(setup, cmds);
    }), { numRuns: 200 });
  });
});
