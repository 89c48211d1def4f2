import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY, HOUR, MINUTE, SECOND, getPolicy, LimitHolder, nextDueAfter, parsePlanSchedule, planNext, plannedBy,
  type PlanSchedule, type SenderView,
} from '../../core/index.ts';

function schedule(raw: unknown): PlanSchedule {
  const parsed = parsePlanSchedule(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

/** Drive the planner against one limit holder until done or `until`; return each send's time. */
function drive(plan: PlanSchedule, holder: LimitHolder, audience: number, until: number, throughputMps = 80): number[] {
  const sends: number[] = [];
  const sender: SenderView = { id: 'n1', holderId: 'h', throughputMps, available: true };
  for (let now = 0; now <= until;) {
    const d = planNext({
      now, startedAt: 0, schedule: plan, sent: sends.length, remaining: audience - sends.length,
      senders: [sender], budgets: [{ holderId: 'h', room: holder.room(now), nextRoomAt: holder.nextRoomAt(now) }],
    });
    if (d.kind === 'done' || d.kind === 'blocked') break;
    if (d.kind === 'wait') { now = d.until; continue; }
    for (let i = 0; i < d.total; i++) {
      expect(holder.open(`r${sends.length}`, now).result.ok).toBe(true);
      sends.push(now);
    }
    now = d.nextCheckAt;
  }
  return sends;
}

describe('plan schedules', () => {
  it('should space a scripted send evenly, first at `at` and last at `at + over`', () => {
    const plan = schedule({ kind: 'script', sends: [{ at: '0d 06:00', count: 500, over: '9h' }] });
    expect(plannedBy(plan, 6 * HOUR - 1)).toBe(0);
    expect(plannedBy(plan, 6 * HOUR)).toBe(1);
    expect(plannedBy(plan, 15 * HOUR)).toBe(500);
    expect(nextDueAfter(plan, 499)).toBe(15 * HOUR);
    expect(nextDueAfter(plan, 500)).toBeUndefined();
  });

  it('should ramp a warm-up by its growth each step up to its cap', () => {
    const plan = schedule({ kind: 'ramp', start: 50, growth: 2, step: '1d', cap: 300 });
    const perDay = [1, 2, 3, 4, 5].map((d) => plannedBy(plan, d * DAY - 1) - plannedBy(plan, (d - 1) * DAY - 1));
    expect(perDay).toEqual([50, 100, 200, 300, 300]);
    // nextDueAfter is the inverse of plannedBy.
    for (const sent of [0, 1, 49, 50, 149, 350, 1000, 1234]) {
      const t = nextDueAfter(plan, sent)!;
      expect(plannedBy(plan, t)).toBeGreaterThan(sent);
      expect(plannedBy(plan, t - 1)).toBeLessThanOrEqual(sent);
    }
  });

  it('should report every problem with its path', () => {
    const parsed = parsePlanSchedule({ kind: 'ramp', start: 0, growth: -1 }, 'plans.warmup.schedule');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      { path: 'plans.warmup.schedule.start', message: 'must be a whole number > 0, got 0' },
      { path: 'plans.warmup.schedule.growth', message: 'must be > 0, got -1' },
      { path: 'plans.warmup.schedule.cap', message: 'is required (a whole number > 0)' },
    ]);
    const bad = parsePlanSchedule({ kind: 'script', sends: [{ at: 'noon', count: 1.5, over: '9 hours' }] });
    expect(!bad.ok && bad.problems.map((p) => p.path)).toEqual(['schedule.sends[0].at', 'schedule.sends[0].over', 'schedule.sends[0].count']);
    expect(parsePlanSchedule({ kind: 'blast' })).toEqual({ ok: false, problems: [{ path: 'schedule.kind', message: 'expected one of script, ramp, burst, got "blast"' }] });
  });
});

describe('pacing planner', () => {
  it('should send a scripted plan at its exact times when the limit allows', () => {
    const holder = new LimitHolder(getPolicy('meta-2023'), { holderId: 'h', at: 0, tier: 'TIER_1K', quality: 'HIGH' });
    const sends = drive(schedule({ kind: 'script', sends: [{ at: '0d 06:00', count: 500, over: '9h' }] }), holder, 20_000, DAY);
    expect(sends).toHaveLength(500);
    expect(sends[0]).toBe(6 * HOUR);
    expect(sends[499]).toBe(15 * HOUR);
    sends.forEach((t, k) => expect(t).toBe(6 * HOUR + Math.ceil((k * 9 * HOUR) / 499)));
  });

  it('should make a burst wait for room in the rolling window, not fail it', () => {
    const holder = new LimitHolder(getPolicy('meta-2023'), { holderId: 'h', at: 0, tier: 'TIER_250', quality: 'LOW' });
    const sends = drive({ kind: 'burst' }, holder, 600, 3 * DAY - 1);
    expect(sends.filter((t) => t < DAY)).toHaveLength(250);
    expect(sends.filter((t) => t >= DAY && t < 2 * DAY)).toHaveLength(250);
    expect(sends.length).toBe(600);
    expect(sends[0]).toBe(0);
    // 80 messages/s: the first 250 go out over four one-second ticks.
    expect(sends[249]).toBe(3 * SECOND);
  });

  it('should finish when the audience runs out and when the plan ends', () => {
    const plan = schedule({ kind: 'script', sends: [{ at: '0d 00:00', count: 3, over: '1h' }] });
    const base = { startedAt: 0, schedule: plan, senders: [{ id: 'n', holderId: 'h', throughputMps: 80, available: true }], budgets: [{ holderId: 'h', room: 100 }] };
    expect(planNext({ ...base, now: 0, sent: 0, remaining: 0 })).toEqual({ kind: 'done', reason: 'audience-exhausted' });
    expect(planNext({ ...base, now: 2 * HOUR, sent: 3, remaining: 10 })).toEqual({ kind: 'done', reason: 'plan-complete' });
    expect(planNext({ ...base, now: 10 * MINUTE, sent: 1, remaining: 10 })).toEqual({ kind: 'wait', until: 30 * MINUTE, reason: 'schedule' });
    expect(planNext({ ...base, now: 0, sent: 0, remaining: 10, senders: [{ ...base.senders[0]!, available: false }] })).toEqual({ kind: 'blocked', reason: 'no-available-sender' });
  });

  it('should never grant more than the plan, the audience, the room or the throughput allow', () => {
    const senderArb = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd'), holderId: fc.constantFrom('h1', 'h2'), throughputMps: fc.constantFrom(20, 80, 1000), available: fc.boolean() });
    fc.assert(
      fc.property(
        fc.uniqueArray(senderArb, { selector: (s) => s.id, minLength: 1, maxLength: 4 }),
        fc.record({ h1: fc.nat(3000), h2: fc.nat(3000) }),
        fc.nat(5000),
        fc.nat(20_000),
        fc.integer({ min: 0, max: 10 * DAY }),
        fc.constantFrom<PlanSchedule>({ kind: 'burst' }, { kind: 'ramp', start: 100, growth: 1.5, step: DAY, cap: 2000 }, { kind: 'script', sends: [{ at: HOUR, count: 5000, over: 2 * DAY }] }),
        (senders, rooms, sent, remaining, now, plan) => {
          const d = planNext({ now, startedAt: 0, schedule: plan, sent, remaining, senders, budgets: [{ holderId: 'h1', room: rooms.h1, nextRoomAt: now + HOUR }, { holderId: 'h2', room: rooms.h2, nextRoomAt: now + HOUR }] });
          if (d.kind !== 'send') return;
          expect(d.total).toBeGreaterThan(0);
          expect(d.total).toBeLessThanOrEqual(Math.min(remaining, plannedBy(plan, now) - sent));
          expect(d.nextCheckAt).toBeGreaterThan(now);
          for (const holder of ['h1', 'h2'] as const) {
            const used = d.batches.filter((b) => senders.find((s) => s.id === b.numberId)!.holderId === holder).reduce((n, b) => n + b.count, 0);
            expect(used).toBeLessThanOrEqual(rooms[holder]);
          }
          for (const b of d.batches) {
            const s = senders.find((x) => x.id === b.numberId)!;
            expect(s.available).toBe(true);
            expect(b.count).toBeLessThanOrEqual(Math.max(1, s.throughputMps));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
