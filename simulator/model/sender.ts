/**
 * The business's side: one plan executed by core's pacing planner (the code the bot runs), each
 * send to the next audience member not yet messaged, segments in the plan's order. The planner
 * sees each limit holder's room and the plan's numbers with their throughput and availability;
 * what the limit does not allow waits for room. The sender knows what Meta announces (bans,
 * enforcement blocks, template pauses) and learns the spam rate limit from a 131048, which core's
 * error table says stops the number: it waits for a person (`sender.pauseAfterSpamLimit`).
 */
import { invalidArgument } from '../../core/errors.ts';
import { planNext, type BudgetView, type Instant, type SenderView } from '../../core/index.ts';
import { classifyMetaError } from '../../core/meta-error.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { PlanSpec, Scenario, SentMessage } from '../scenario/scenario.ts';
import type { Audience } from './audience.ts';
import { audienceWaId } from './audience-wa-id.ts';
import type { ModelParameters } from './parameters.ts';
import type { Platform } from './platform.ts';

export class Sender {
  private readonly numbers: number[];
  /** The plan's recipients: ranges of audience indices, in the plan's segment order. */
  private readonly ranges: { from: number; to: number }[];
  private range = 0;
  private cursor: number;
  private sent = 0;
  private remaining: number;
  private readonly pausedUntil: number[];
  /** The limit holders the plan's numbers draw on. */
  private readonly holders: number[];
  private wakeAt = Number.NaN;
  finished: 'audience-exhausted' | 'plan-complete' | 'template-disabled' | 'no-sender' | undefined;
  /** Every send request in order, when set to a list. */
  sends: SentMessage[] | undefined;

  constructor(private readonly sim: Simulation, private readonly scenario: Scenario, private readonly plan: PlanSpec, private readonly params: ModelParameters, private readonly platform: Platform, audience: Audience) {
    const ids = scenario.portfolio.numbers.map((n) => n.id);
    this.numbers = plan.from.map((id) => {
      const n = ids.indexOf(id);
      if (n < 0) throw invalidArgument(`plan ${plan.name}: from`, `${JSON.stringify(id)} is not a number of the portfolio; expected one of ${ids.join(', ')}`);
      return n;
    });
    const names = plan.segments.length ? plan.segments : audience.segments.map((s) => s.name);
    this.ranges = names.map((name) => {
      const k = audience.segmentIndex(name);
      return { from: audience.offsets[k]!, to: audience.offsets[k + 1]! };
    });
    this.cursor = this.ranges[0]?.from ?? 0;
    this.remaining = this.ranges.reduce((sum, r) => sum + (r.to - r.from), 0);
    this.pausedUntil = scenario.portfolio.numbers.map(() => Number.NEGATIVE_INFINITY);
    this.holders = [...new Set(this.numbers.map((n) => platform.books.holderOf[n]!))];
  }

  start(): void {
    this.wake(this.scenario.start);
  }

  /** Look again at `at`; an earlier request for another time lapses (its event finds it is not the one wanted). */
  private wake(at: Instant): void {
    this.wakeAt = Math.max(at, this.sim.now);
    this.sim.at(this.wakeAt, this.onWake);
  }

  private readonly onWake = (s: Simulation) => {
    if (s.now !== this.wakeAt) return;
    this.wakeAt = Number.NaN;
    this.step(s.now);
  };

  private step(now: Instant): void {
    const check = this.platform.template.check(now);
    if (!check.ok) {
      const until = this.platform.template.nextChangeAt();
      if (until === undefined) this.finished = 'template-disabled';
      else this.wake(until);
      return;
    }
    const books = this.platform.books;
    const senders: SenderView[] = this.numbers.map((n) => ({
      id: books.id(n),
      holderId: books.holderId(n),
      throughputMps: this.scenario.portfolio.numbers[n]!.throughputMps,
      available: books.blockOf(n, now, false) === undefined && this.pausedUntil[n]! <= now,
    }));
    const holders = this.holders;
    const budgets: BudgetView[] = holders.map((h) => {
      const holder = books.holders[h]!;
      const room = holder.room(now);
      // The planner reads nextRoomAt only when no sender has room: looked up only then.
      const next = room > 0 ? undefined : holder.nextRoomAt(now);
      return next === undefined ? { holderId: holder.account.holderId, room } : { holderId: holder.account.holderId, room, nextRoomAt: next };
    });
    const decision = planNext({
      now, startedAt: this.scenario.start, schedule: this.plan.schedule, sent: this.sent, remaining: this.remaining, senders, budgets, tick: this.params.sender.tick,
    });
    switch (decision.kind) {
      case 'send':
        for (const batch of decision.batches) this.sendBatch(senders.findIndex((s) => s.id === batch.numberId), batch.count, now);
        this.wake(decision.nextCheckAt);
        return;
      case 'wait':
        this.wake(decision.reason === 'limit' ? Math.min(decision.until, this.soonestChange(now, holders) ?? Infinity) : decision.until);
        return;
      case 'blocked': {
        const next = this.soonestChange(now, holders);
        if (next === undefined) this.finished = 'no-sender';
        else this.wake(next);
        return;
      }
      case 'done':
        this.finished = decision.reason;
        return;
    }
  }

  /** Send up to `count` from the plan's `k`-th number; stops at the first refusal that concerns the number or the template. */
  private sendBatch(k: number, count: number, now: Instant): void {
    const n = this.numbers[k]!;
    for (let j = 0; j < count && this.remaining > 0; j++) {
      const result = this.platform.send(n, this.cursor, now);
      if (result.kind === 'no-room') return;
      this.sends?.push({
        at: now - this.scenario.start, index: this.cursor, waId: audienceWaId(this.cursor), numberId: this.platform.books.id(n), messageKey: 'm1',
        accepted: result.kind === 'accepted', ...(result.kind === 'rejected' && { code: result.code }),
      });
      this.advance();
      if (result.kind === 'rejected') {
        // The bot's own reading of the code: stop the number (and wait for a person), or the template.
        const { action } = classifyMetaError(result.code);
        if (action === 'stop-number') this.pausedUntil[n] = now + this.params.sender.pauseAfterSpamLimit;
        if (action === 'stop-number' || action === 'stop-template') return;
      }
    }
  }

  private advance(): void {
    this.sent++;
    this.remaining--;
    this.cursor++;
    while (this.range < this.ranges.length && this.cursor >= this.ranges[this.range]!.to) {
      this.range++;
      if (this.range < this.ranges.length) this.cursor = this.ranges[this.range]!.from;
    }
  }

  /** The next instant something that blocks or limits the plan may change by itself. */
  private soonestChange(now: Instant, holders: readonly number[]): Instant | undefined {
    const books = this.platform.books;
    const times: number[] = [];
    for (const h of holders) {
      const d = books.holders[h]!.nextDeadline();
      if (d !== undefined && d > now) times.push(d);
    }
    for (const n of this.numbers) {
      if (this.pausedUntil[n]! > now) times.push(this.pausedUntil[n]!);
      const until = books.blockedUntil(n, now);
      if (until !== undefined) times.push(until);
    }
    for (const e of this.scenario.events) if (this.scenario.start + e.at > now) times.push(this.scenario.start + e.at);
    return times.length ? Math.min(...times) : undefined;
  }
}
