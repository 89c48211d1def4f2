/**
 * The pacing planner: given the plan, what has been sent, the senders and the room each limit
 * holder has left, decide what may go out now and when to look again. Pure and total: the bot
 * calls it on the wall clock, the simulator on its virtual clock, with the same answers.
 *
 * It never sends more than (a) the plan wants by now, (b) the recipients left, (c) the room in
 * each holder's rolling window, (d) each number's throughput over one pacing tick. What the limit
 * does not allow waits for room; it is never failed.
 */
import { invalidArgument } from './errors.ts';
import { nextDueAfter, plannedBy, type PlanSchedule } from './pacing-plan.ts';
import { SECOND, type Duration, type Instant } from './time.ts';

export interface SenderView {
  readonly id: string;
  /** The limit holder whose room this number draws on (itself under meta-2023, its portfolio under meta-2025-10). */
  readonly holderId: string;
  readonly throughputMps: number;
  /** False when the number may not initiate now (paused, banned, restricted by enforcement). */
  readonly available: boolean;
}

export interface BudgetView {
  readonly holderId: string;
  readonly room: number;
  readonly nextRoomAt?: Instant;
}

export interface PacingInput {
  readonly now: Instant;
  readonly startedAt: Instant;
  readonly schedule: PlanSchedule;
  /** Sends this campaign has begun so far. */
  readonly sent: number;
  /** Recipients still waiting for their send. */
  readonly remaining: number;
  readonly senders: readonly SenderView[];
  readonly budgets: readonly BudgetView[];
  /** The pacing step: throughput is granted per tick. Default 1 s. */
  readonly tick?: Duration;
}

export interface Batch {
  readonly numberId: string;
  readonly count: number;
}

export type PacingDecision =
  | { readonly kind: 'send'; readonly batches: readonly Batch[]; readonly total: number; readonly nextCheckAt: Instant }
  | { readonly kind: 'wait'; readonly until: Instant; readonly reason: 'schedule' | 'limit' }
  | { readonly kind: 'blocked'; readonly reason: 'no-available-sender' | 'no-room-ever' }
  | { readonly kind: 'done'; readonly reason: 'audience-exhausted' | 'plan-complete' };

export function planNext(input: PacingInput): PacingDecision {
  const tick = input.tick ?? SECOND;
  if (!(tick > 0)) throw invalidArgument('pacing tick', `got ${tick}, expected a positive duration in ms`);
  if (input.remaining <= 0) return { kind: 'done', reason: 'audience-exhausted' };

  const elapsed = input.now - input.startedAt;
  const due = plannedBy(input.schedule, elapsed) - input.sent;
  if (due <= 0) {
    const next = nextDueAfter(input.schedule, input.sent);
    return next === undefined ? { kind: 'done', reason: 'plan-complete' } : { kind: 'wait', until: input.startedAt + next, reason: 'schedule' };
  }

  const senders = input.senders.filter((s) => s.available && s.throughputMps > 0);
  if (senders.length === 0) return { kind: 'blocked', reason: 'no-available-sender' };
  const room = new Map<string, number>();
  for (const b of input.budgets) room.set(b.holderId, Math.max(0, b.room));
  const usable = senders.filter((s) => (room.get(s.holderId) ?? 0) > 0);
  if (usable.length === 0) {
    const holders = new Set(senders.map((s) => s.holderId));
    const times = input.budgets.filter((b) => holders.has(b.holderId) && b.nextRoomAt !== undefined).map((b) => b.nextRoomAt!);
    return times.length ? { kind: 'wait', until: Math.max(input.now, Math.min(...times)), reason: 'limit' } : { kind: 'blocked', reason: 'no-room-ever' };
  }

  const want = Math.min(due, input.remaining);
  const batches = waterFill(usable, room, want, tick);
  const total = batches.reduce((n, b) => n + b.count, 0);
  // More was due than this tick could carry: come back next tick. Otherwise, when the plan next wants one.
  const next = total < due ? input.now + tick : input.startedAt + (nextDueAfter(input.schedule, input.sent + total) ?? elapsed + tick);
  return { kind: 'send', batches, total, nextCheckAt: Math.max(next, input.now + 1) };
}

/**
 * Spread `want` messages over the senders as evenly as their throughput and their holders' room
 * allow, in the senders' order (deterministic). A pool of campaign numbers shares the load.
 */
function waterFill(senders: readonly SenderView[], room: Map<string, number>, want: number, tick: Duration): Batch[] {
  const cap = new Map(senders.map((s) => [s.id, Math.max(1, Math.floor((s.throughputMps * tick) / SECOND))]));
  const given = new Map<string, number>(senders.map((s) => [s.id, 0]));
  let left = want;
  for (;;) {
    const open = senders.filter((s) => given.get(s.id)! < cap.get(s.id)! && room.get(s.holderId)! > 0);
    if (left <= 0 || open.length === 0) break;
    const share = Math.max(1, Math.floor(left / open.length));
    for (const s of open) {
      const n = Math.min(share, left, cap.get(s.id)! - given.get(s.id)!, room.get(s.holderId)!);
      given.set(s.id, given.get(s.id)! + n);
      room.set(s.holderId, room.get(s.holderId)! - n);
      left -= n;
      if (left <= 0) break;
    }
  }
  return senders.filter((s) => given.get(s.id)! > 0).map((s) => ({ numberId: s.id, count: given.get(s.id)! }));
}
