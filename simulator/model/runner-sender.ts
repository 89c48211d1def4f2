/**
 * The business's side run by core's CampaignRunner, the code the bot runs, on the engine's virtual
 * clock: `next(now)` at each wake-up it asks for, each send submitted to the simulated platform
 * (which answers as the Cloud API does: accepted, or rejected with Meta's code), `onResult` with the
 * answer, and what Meta would then tell the bot by webhook fed back through `onSignal`, mapped as
 * the bot's webhook routing maps it (bot/campaigns/webhook-routing.ts):
 *
 * - message statuses: delivered, read, failed with its code (matched by send id and wamid);
 * - replies and STOPs from recipients, to the number they answered;
 * - `phone_number_quality_update`: FLAGGED (quality LOW and status FLAGGED), back to CONNECTED, and
 *   tier changes. Meta announces no rating change short of FLAGGED, so none is fed;
 * - `account_update`: an enforcement warning, block or ban (a restriction that pauses), and the
 *   number's status while Meta keeps it from initiating (a ban, a block, a forced status);
 * - `message_template_status_update`: the plan's template paused, disabled, approved again.
 *
 * Two things stand in for what the bot's shell does outside the runner. A person resumes a campaign
 * that paused itself `sender.pauseAfterSpamLimit` later (the model's turnaround for a person),
 * unless its template was disabled: that one is over.
 * The bot's Cloud API client holds back a send that would exceed its number's throughput; here it
 * waits for the next second (the client spreads a second's sends over it, the platform counts
 * whole seconds). The bot's driver calls `next` again on every webhook once its sends are out;
 * here a webhook about a number, a template or the account wakes the runner no sooner than a pacing
 * tick after its last look, and a message status only when it left a row to send later (a sequence's
 * next step, a 131049 follow-up): the other looks would change nothing, and each one costs a sweep
 * of the ledger. Signals heard while a send is being made are handed over once its answer has been.
 */
import {
  CampaignRunner, SECOND, type Effects, type LimitHolder, type Instant, type NumberStatus, type RunnerSignal, type SendRequest, type SendResult, type TierName,
} from '../../core/index.ts';
import { classifyMetaError } from '../../core/meta-error.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { PlanSpec, Scenario, SentMessage, TimelineKind } from '../scenario/scenario.ts';
import { audienceIndexOf, audienceWaId } from './audience-wa-id.ts';
import type { EnforcementEvent } from './enforcement.ts';
import type { ModelParameters } from './parameters.ts';
import type { Platform } from './platform.ts';
import type { PlatformObserver, RecorderListener } from './platform-observer.ts';
import type { Recorder } from './recorder.ts';
import { runnerCampaign, type RunnerCampaignOptions } from './runner-campaign.ts';

/** The person who resumes, as the campaign's history records them. */
const PERSON = 'simulated operator';
const STOP_TEXT = 'إيقاف';
const REPLY_TEXT = 'شكراً';

export interface RunnerSenderOptions {
  /** Keep every send request in order (`sends`). */
  readonly record?: boolean;
  readonly campaign?: RunnerCampaignOptions;
}

export class RunnerSender implements PlatformObserver, RecorderListener {
  readonly runner: CampaignRunner;
  private readonly holders: readonly LimitHolder[];
  readonly sends: SentMessage[] | undefined;
  private readonly index: ReadonlyMap<string, number>;
  /** Send id of each tag (the platform's name for a message). */
  private readonly sendIds: string[] = [];
  private readonly heard: RunnerSignal[] = [];
  /** Per number: the second being counted and the sends it took, and the sends held for the next one. */
  private readonly seconds = new Map<string, { second: number; used: number; mps: number }>();
  private held: SendRequest[] = [];
  private sending = 0;
  private wakeAt = Number.NaN;
  private lastLookAt = Number.NEGATIVE_INFINITY;
  private resumeAt = Number.NaN;

  constructor(
    private readonly sim: Simulation, private readonly scenario: Scenario, private readonly plan: PlanSpec, private readonly params: ModelParameters,
    private readonly platform: Platform, private readonly recorder: Recorder, options: RunnerSenderOptions = {},
  ) {
    const setup = runnerCampaign(scenario, plan, options.campaign);
    this.runner = new CampaignRunner(setup);
    this.holders = [...setup.holders.values()];
    this.index = new Map(scenario.portfolio.numbers.map((n, k) => [n.id, k]));
    for (const n of scenario.portfolio.numbers) this.seconds.set(n.id, { second: Number.NaN, used: 0, mps: n.throughputMps });
    this.sends = options.record ? [] : undefined;
  }

  start(): void {
    this.platform.observer = this;
    this.recorder.listener = this;
    this.wake(this.scenario.start);
  }

  /** Look at `at` unless a look is already due sooner; a later request lapses when its event finds it is not the one wanted. */
  private wake(at: Instant): void {
    if (this.runner.finished) return;
    const t = Math.max(at, this.sim.now);
    if (!Number.isNaN(this.wakeAt) && this.wakeAt <= t) return;
    this.wakeAt = t;
    this.sim.at(t, this.onWake);
  }

  private readonly onWake = (s: Simulation) => {
    if (s.now !== this.wakeAt) return;
    this.wakeAt = Number.NaN;
    if (this.runner.finished) return;
    this.lastLookAt = s.now;
    const fx = this.runner.next(s.now);
    this.carry(fx, s.now);
    if (fx.wakeAt === undefined) return;
    const idle = fx.sends.length === 0 && fx.writes.length === 0 && fx.notices.length === 0;
    this.wake(idle ? Math.max(fx.wakeAt, this.roomAt(s.now)) : fx.wakeAt);
  };

  /**
   * When the runner's books next have room. A look that found every holder full and did nothing
   * would find the same until then (a follow-up waiting for room is looked at every tick), so the
   * simulation skips those looks; a tier change still wakes the runner at once. The only thing
   * skipped is the campaign's completion moment, which no result reads.
   */
  private roomAt(now: Instant): Instant {
    let at = Number.POSITIVE_INFINITY;
    for (const h of this.holders) {
      if (h.room(now) > 0) return now;
      at = Math.min(at, h.nextRoomAt(now) ?? Number.POSITIVE_INFINITY);
    }
    return Number.isFinite(at) ? at : now;
  }

  /** Carry out effects as the bot's driver does: the sends, in order, each answered before the next leaves. */
  private carry(fx: Effects, now: Instant): void {
    this.sending++;
    for (const req of fx.sends) this.submit(req, now);
    this.sending--;
    if (fx.notices.some((n) => n.kind === 'campaign-paused' && n.reason !== 'template-disabled')) this.resumeLater(now);
    if (this.sending === 0 && this.heard.length > 0) for (const s of this.heard.splice(0)) this.hear(s, now);
  }

  private hear(s: RunnerSignal, now: Instant): void {
    const fx = this.runner.onSignal(s, now);
    this.carry(fx, now);
    const soonest = this.lastLookAt + this.runner.options.tick;
    if (s.kind !== 'status' && s.kind !== 'inbound') return this.wake(soonest);
    for (const e of fx.writes) {
      const due = e.state === 'retry-wait' ? e.retryAt : e.state === 'pending' ? (e.notBefore ?? now) : undefined;
      if (due !== undefined) this.wake(Math.max(due, soonest));
    }
  }

  private submit(req: SendRequest, now: Instant): void {
    if (this.overThroughput(req.numberId, now)) {
      if (this.held.push(req) === 1) this.sim.at((Math.floor(now / SECOND) + 1) * SECOND, this.release);
      return;
    }
    const i = audienceIndexOf(req.to);
    const n = this.index.get(req.numberId)!;
    const tag = this.sendIds.push(req.sendId) - 1;
    const answer = this.platform.send(n, i, now, tag);
    const result: SendResult = answer.kind === 'rejected'
      ? { kind: 'rejected', code: answer.code, info: classifyMetaError(answer.code) }
      : { kind: 'accepted', wamid: wamidOf(tag), held: answer.kind === 'accepted' && answer.held };
    this.sends?.push({
      at: now - this.scenario.start, index: i, waId: req.to, numberId: req.numberId, messageKey: req.sendId.split('.').at(-2)!,
      accepted: result.kind === 'accepted', ...(answer.kind === 'rejected' && { code: answer.code }),
    });
    this.carry(this.runner.onResult(req.sendId, result, now), now);
  }

  private overThroughput(numberId: string, now: Instant): boolean {
    const w = this.seconds.get(numberId)!;
    const second = Math.floor(now / SECOND);
    if (w.second !== second) {
      w.second = second;
      w.used = 0;
    }
    if (w.used >= w.mps) return true;
    w.used++;
    return false;
  }

  private readonly release = (s: Simulation) => {
    const sends = this.held;
    this.held = [];
    this.carry({ writes: [], sends, notices: [], contactUpdates: [] }, s.now);
  };

  private resumeLater(now: Instant): void {
    if (!Number.isNaN(this.resumeAt)) return;
    this.resumeAt = now + this.params.sender.pauseAfterSpamLimit;
    this.sim.at(this.resumeAt, (s) => {
      this.resumeAt = Number.NaN;
      if (this.runner.campaign.status !== 'paused') return;
      this.carry(this.runner.resume(PERSON, s.now), s.now);
      this.wake(Math.max(s.now, this.lastLookAt + this.runner.options.tick));
    });
  }

  /** A webhook: handed to the runner now, or once the send in progress is answered. */
  private signal(s: RunnerSignal): void {
    if (this.sending > 0) this.heard.push(s);
    else this.hear(s, this.sim.now);
  }

  status(tag: number, status: 'delivered' | 'read' | 'failed', at: Instant, code?: number): void {
    this.signal({ kind: 'status', at, sendId: this.sendIds[tag]!, wamid: wamidOf(tag), status, ...(code !== undefined && { errors: [{ code }] }) });
  }

  inbound(n: number, i: number, kind: 'reply' | 'stop', at: Instant): void {
    const stop = kind === 'stop';
    this.signal({ kind: 'inbound', at, numberId: this.platform.books.id(n), from: audienceWaId(i), text: stop ? STOP_TEXT : REPLY_TEXT, optOut: stop });
  }

  template(status: 'PAUSED' | 'DISABLED' | 'APPROVED', at: Instant): void {
    this.signal({ kind: 'template-status', at, template: this.plan.template, status });
  }

  change(at: Instant, numberId: string, kind: TimelineKind, _from: string, to: string): void {
    if (kind === 'tier') this.signal({ kind: 'number-tier', at, numberId, tier: to as TierName });
    if (kind !== 'status') return;
    if (to === 'FLAGGED') {
      this.signal({ kind: 'number-quality', at, numberId, quality: 'LOW' });
      this.signal({ kind: 'number-status', at, numberId, status: 'FLAGGED' });
    } else if (to === 'CONNECTED' || this.platform.books.blockOf(this.index.get(numberId)!, at, false) !== undefined) {
      this.signal({ kind: 'number-status', at, numberId, status: to as NumberStatus });
    }
  }

  enforced(numberId: string, e: EnforcementEvent): void {
    if (e.kind === 'rate-limited') return;
    const what = e.kind === 'warning' ? 'ACCOUNT_VIOLATION, violation SPAM' : e.kind === 'blocked' ? 'ACCOUNT_RESTRICTION, RESTRICTED_BIZ_INITIATED_MESSAGING' : 'DISABLED_UPDATE, ban DISABLE';
    this.signal({ kind: 'account-restriction', at: e.at, detail: `account update for number ${numberId}: ${what}` });
  }
}

const wamidOf = (tag: number) => `wamid.sim.${tag}`;
