/**
 * Meta's platform as the numbers meet it: a send is checked (ban, enforcement block, spam rate
 * limit, throughput, pair rate, template status), gated by the messaging limit (the holder opens
 * the conversation), then delivered to the phone (at once, on reconnect for an offline phone, never
 * for a number not on WhatsApp), read, and reacted to. Every message accepted ends delivered,
 * failed or pending at the horizon.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
import { invalidArgument } from '../../core/errors.ts';
import { DAY, SECOND, type Instant } from '../../core/index.ts';
import type { TemplateEvent } from '../../core/template-lifecycle.ts';
import type { Random } from '../engine/random.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { PlanSpec, Scenario } from '../scenario/scenario.ts';
import type { Audience, Reaction } from './audience.ts';
import { Enforcement } from './enforcement.ts';
import { LimitBooks } from './limit-books.ts';
import { marketingLimited } from './marketing-limit.ts';
import type { ModelParameters } from './parameters.ts';
import type { PlatformObserver } from './platform-observer.ts';
import type { Recorder } from './recorder.ts';
import { Reviews } from './reviews.ts';
import { Scrutiny } from './scrutiny.ts';
import { TemplateModel } from './template-model.ts';
import { TimedQueue } from './timed-queue.ts';

/** About one message per 6 s to the same person; faster fails 131056. */
export const PAIR_INTERVAL = 6 * SECOND;
/** Meta documents no code for a send over the messaging limit; the sandbox fails it with this one too. */
export const LIMIT_REACHED_CODE = 131049;
// Module-local copies of core's units: they are read for every message.
const SECOND_MS = SECOND;
const DAY_MS = DAY;

interface Message {
  readonly i: number;
  readonly n: number;
  /** The sender's name for the message (statuses come back with it), -1 for none. */
  readonly tag: number;
  readonly recipient: string;
  /** Fatigue × scrutiny: the multiplier on this message's negative feedback. */
  readonly negative: number;
  readonly sentAt: Instant;
}

export type SendResult =
  | { readonly kind: 'accepted'; readonly held: boolean }
  /** Failed at once with Meta's error code (counted sent and failed). */
  | { readonly kind: 'rejected'; readonly code: number }
  /** The holder's window is full: nothing was sent; the recipient waits for room (untagged sends only). */
  | { readonly kind: 'no-room' };

const ACCEPTED: SendResult = { kind: 'accepted', held: false };
const HELD: SendResult = { kind: 'accepted', held: true };
const NO_ROOM: SendResult = { kind: 'no-room' };

export class Platform {
  readonly books: LimitBooks;
  readonly template: TemplateModel;
  readonly reviews: Reviews;
  private readonly enforcement: Enforcement[];
  private readonly scrutiny: Scrutiny;
  private readonly rng: Random;
  private readonly second: number[];
  private readonly inSecond: number[];
  private held: Message[] = [];
  /** Online deliveries (a fixed latency after acceptance) and ignores (a fixed time after delivery) fall due in order. */
  private readonly toPhone: TimedQueue<Message>;
  private readonly ignored: TimedQueue<number>;
  private readonly end: Instant;
  private readonly queued = new Map<number, Message[]>();
  /** Hears every status, reply and template change, as webhooks would tell them (runner-driven plans). */
  observer: PlatformObserver | undefined;

  constructor(private readonly sim: Simulation, private readonly scenario: Scenario, plan: PlanSpec, private readonly params: ModelParameters, private readonly recorder: Recorder, private readonly audience: Audience) {
    const numbers = scenario.portfolio.numbers;
    this.enforcement = numbers.map(() => new Enforcement(params));
    this.books = new LimitBooks(sim, scenario, recorder, this.enforcement);
    const spec = scenario.templates.find((t) => t.name === plan.template) ?? scenario.templates[0];
    if (!spec) throw invalidArgument(`plan ${plan.name}: template`, 'the scenario has no templates; expected at least one');
    this.template = new TemplateModel(spec, params, scenario.start);
    this.reviews = new Reviews(sim, params, this.books, this.enforcement, this.template, recorder);
    this.reviews.onTemplateEvents = (events, at) => this.templateEvents(events, at);
    // A number at the policy's first tier is new; one above it has sent about half its limit a day.
    this.scrutiny = new Scrutiny(params.scrutiny, scenario.start, numbers.map((n) => {
      const isNew = n.tier === scenario.policy.initialTier;
      return { isNew, reference: isNew ? 0 : this.books.holders[this.books.holderOf[numbers.indexOf(n)]!]!.limit / 2 };
    }));
    this.rng = sim.random('platform');
    this.toPhone = new TimedQueue(sim, (msg, at) => this.deliver(msg, at, 1));
    this.ignored = new TimedQueue(sim, (n, at) => this.reviews.record(n, 'ignore', at));
    this.end = scenario.start + scenario.horizon;
    this.second = numbers.map(() => Number.NaN);
    this.inSecond = numbers.map(() => 0);
  }

  /** Schedule the periodic rating and the scenario's forced events. */
  start(): void {
    const { start, horizon, events, portfolio } = this.scenario;
    this.reviews.start(start);
    for (const e of events) {
      if (e.at >= horizon) continue;
      const n = portfolio.numbers.findIndex((x) => x.id === e.number);
      if (n < 0) continue;
      this.sim.at(start + e.at, (s) => {
        this.books.force(n, e, s.now);
        if (e.quality !== undefined) this.reviews.force(n, e.quality, s.now);
      });
    }
  }

  /**
   * Send the plan's template from number `n` to recipient `i` at `at`. A tagged send is answered
   * as the Cloud API answers: over the messaging limit it is accepted, then fails (as in the sandbox).
   */
  send(n: number, i: number, at: Instant, tag = -1): SendResult {
    const block = this.books.blockOf(n, at);
    if (block !== undefined) return this.reject(block);
    const throughput = this.scenario.portfolio.numbers[n]!.throughputMps;
    const sec = Math.floor(at / SECOND_MS);
    if (sec !== this.second[n]) {
      this.second[n] = sec;
      this.inSecond[n] = 0;
    }
    if (this.inSecond[n]! >= throughput) return this.reject(130429);
    if (this.audience.sinceLastSend(i, at) < PAIR_INTERVAL) return this.reject(131056);
    const check = this.template.check(at);
    if (!check.ok) return this.reject(check.metaCode);
    const recipient = this.audience.id(i);
    if (!this.books.open(n, recipient, at).ok) {
      if (tag < 0) return NO_ROOM;
      this.recorder.sent(this.sim.now);
      this.fail(tag, LIMIT_REACHED_CODE, at, true);
      return ACCEPTED;
    }

    this.inSecond[n]!++;
    this.recorder.sent(this.sim.now);
    const ourDay = this.audience.sinceLastSend(i, at) < DAY_MS ? 1 : 0;
    const earlier = this.audience.noteSent(i, at);
    const negative = this.scrutiny.noteSend(n, at) * Math.pow(1 + this.params.fatigue.perMessage, earlier);
    const msg: Message = { i, n, tag, recipient, negative, sentAt: at };
    const { held, events } = this.template.sent(at);
    if (held) {
      this.held.push(msg);
      if (events.some((e) => e.kind === 'held' && e.held === 1)) this.sim.schedule(this.params.templates.assessmentDelay, (s) => this.templateEvents(this.template.assess(s.now), s.now));
      return HELD;
    }
    this.route(msg, at, ourDay);
    return ACCEPTED;
  }

  private reject(code: number): SendResult {
    this.recorder.sent(this.sim.now);
    this.recorder.failed(code);
    return { kind: 'rejected', code };
  }

  /** A failure on the way to the phone is reported when a delivery would have been, not before it. */
  private fail(tag: number, code: number, at: Instant, onTheWay = false): void {
    this.recorder.failed(code);
    const o = this.observer;
    if (o) this.sim.at(at + (onTheWay ? this.params.delivery.latency : 0), (s) => o.status(tag, 'failed', s.now, code));
  }

  /** From accepted (or released) to the phone. */
  private route(msg: Message, at: Instant, ourDay: number): void {
    if (this.template.isMarketing && marketingLimited(this.rng, this.params, this.audience, msg.i, ourDay)) {
      this.fail(msg.tag, 131049, at, true);
      return;
    }
    const arrival = this.audience.arrive(msg.i, at);
    if (arrival.kind === 'unreachable') {
      this.fail(msg.tag, 131026, at, true);
    } else if (arrival.kind === 'online') {
      this.toPhone.push(at + this.params.delivery.latency, msg);
    } else {
      const list = this.queued.get(msg.i);
      if (list) list.push(msg);
      else this.queued.set(msg.i, [msg]);
      if (!arrival.queuedBehind) this.sim.at(arrival.until, (s) => this.reconnect(msg.i, s.now));
    }
  }

  /** The phone comes back online: everything queued arrives at once (seed 000), or fails past its TTL. */
  private reconnect(i: number, at: Instant): void {
    const list = this.queued.get(i) ?? [];
    this.queued.delete(i);
    const live = list.filter((m) => at - m.sentAt <= this.params.delivery.ttl);
    for (const m of list) if (at - m.sentAt > this.params.delivery.ttl) this.fail(m.tag, 131026, at);
    for (const m of live) this.deliver(m, at, live.length);
  }

  private deliver(msg: Message, at: Instant, pile: number): void {
    this.recorder.counts.delivered++;
    this.books.delivered(msg.n, msg.recipient, at);
    this.reviews.record(msg.n, 'delivered', at);
    this.observer?.status(msg.tag, 'delivered', at);
    if (this.audience.isSilent(msg.i)) return;
    const boost = pile > 1 ? Math.pow(1 + this.params.fatigue.offlinePile, pile - 1) : 1;
    const reaction = this.audience.react(msg.i, msg.negative, boost);
    if (reaction.kind !== 'none' || (reaction.read && (this.params.quality.weights.read !== 0 || this.observer))) {
      this.sim.schedule(reaction.delay, (s) => this.react(msg, reaction, s.now));
    } else if (reaction.read && at + reaction.delay <= this.end) {
      // A plain read weighs nothing in the rating and nobody listens: counted now if it happens by the horizon, no event.
      this.recorder.counts.read++;
    }
    if (!reaction.read) this.ignored.push(at + this.params.feedback.ignoreAfter, msg.n);
  }

  /** A STOP reply is recorded as a mute: it tells Meta the message was unwanted, less loudly than a block. */
  private react(msg: Message, r: Reaction, at: Instant): void {
    const c = this.recorder.counts;
    const n = msg.n;
    if (r.read) {
      c.read++;
      this.reviews.record(n, 'read', at);
      this.observer?.status(msg.tag, 'read', at);
    }
    if (r.kind === 'reply' || r.kind === 'stop') this.observer?.inbound(n, msg.i, r.kind, at);
    switch (r.kind) {
      case 'reply': c.replied++; this.reviews.record(n, 'reply', at); break;
      case 'stop': c.stops++; this.reviews.record(n, 'mute', at); break;
      case 'mute': this.reviews.record(n, 'mute', at); break;
      case 'block': c.blocks++; this.reviews.record(n, 'block', at); break;
      case 'report': c.reports++; this.reviews.record(n, 'report', at); break;
      case 'none': break;
    }
  }

  private templateEvents(events: readonly TemplateEvent[], at: Instant): void {
    for (const e of events) {
      if (e.kind === 'paused' || e.kind === 'disabled') {
        if (e.kind === 'paused') this.recorder.tally.templatePauses++;
        for (const m of this.held) this.fail(m.tag, 132015, at);
        this.held = [];
        this.observer?.template(e.kind === 'paused' ? 'PAUSED' : 'DISABLED', at);
      } else if (e.kind === 'unpaused') {
        this.observer?.template('APPROVED', at);
      } else if (e.kind === 'released') {
        const released = this.held;
        this.held = [];
        for (const m of released) this.route(m, at, 0);
      }
    }
  }
}
