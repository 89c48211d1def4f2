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
import { ALPHA_MARKETING, weyl, type Audience, type Reaction } from './audience.ts';
import { Enforcement } from './enforcement.ts';
import { LimitBooks } from './limit-books.ts';
import type { ModelParameters } from './parameters.ts';
import type { Recorder } from './recorder.ts';
import { Reviews } from './reviews.ts';
import { Scrutiny } from './scrutiny.ts';
import { TemplateModel } from './template-model.ts';
import { TimedQueue } from './timed-queue.ts';

/** About one message per 6 s to the same person; faster fails 131056. */
export const PAIR_INTERVAL = 6 * SECOND;
// Module-local copies of core's units: they are read for every message.
const SECOND_MS = SECOND;
const DAY_MS = DAY;

interface Message {
  readonly i: number;
  readonly n: number;
  readonly recipient: string;
  /** Fatigue × scrutiny: the multiplier on this message's negative feedback. */
  readonly negative: number;
  readonly sentAt: Instant;
}

export type SendResult =
  | { readonly kind: 'accepted' }
  /** Failed at once with Meta's error code (counted sent and failed). */
  | { readonly kind: 'rejected'; readonly code: number }
  /** The holder's window is full: nothing was sent; the recipient waits for room. */
  | { readonly kind: 'no-room' };

const ACCEPTED: SendResult = { kind: 'accepted' };
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

  /** Send the plan's template from number `n` to recipient `i` at `at`. */
  send(n: number, i: number, at: Instant): SendResult {
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
    if (!this.books.open(n, recipient, at).ok) return NO_ROOM;

    this.inSecond[n]!++;
    this.recorder.sent(this.sim.now);
    const ourDay = this.audience.sinceLastSend(i, at) < DAY_MS ? 1 : 0;
    const earlier = this.audience.noteSent(i, at);
    const negative = this.scrutiny.noteSend(n, at) * Math.pow(1 + this.params.fatigue.perMessage, earlier);
    const msg: Message = { i, n, recipient, negative, sentAt: at };
    const { held, events } = this.template.sent(at);
    if (held) {
      this.held.push(msg);
      if (events.some((e) => e.kind === 'held' && e.held === 1)) this.sim.schedule(this.params.templates.assessmentDelay, (s) => this.templateEvents(this.template.assess(s.now), s.now));
      return ACCEPTED;
    }
    this.route(msg, at, ourDay);
    return ACCEPTED;
  }

  private reject(code: number): SendResult {
    this.recorder.sent(this.sim.now);
    this.recorder.failed(code);
    return { kind: 'rejected', code };
  }

  /** From accepted (or released) to the phone. */
  private route(msg: Message, at: Instant, ourDay: number): void {
    if (this.template.isMarketing && this.marketingLimited(msg.i, ourDay)) {
      this.recorder.failed(131049);
      return;
    }
    const arrival = this.audience.arrive(msg.i, at);
    if (arrival.kind === 'unreachable') {
      this.recorder.failed(131026);
    } else if (arrival.kind === 'online') {
      this.toPhone.push(at + this.params.delivery.latency, msg);
    } else {
      const list = this.queued.get(msg.i);
      if (list) list.push(msg);
      else this.queued.set(msg.i, [msg]);
      if (!arrival.queuedBehind) this.sim.at(arrival.until, (s) => this.reconnect(msg.i, s.now));
    }
  }

  /**
   * Per-user marketing limit (131049): Meta holds back a marketing message from a person who got
   * many from businesses lately. Other businesses' messages today are a Poisson draw (their mean
   * for a silent segment, with a fixed spread instead of a draw).
   */
  private marketingLimited(i: number, ourDay: number): boolean {
    const p = this.params.marketingLimit;
    const silent = this.audience.isSilent(i);
    const others = silent ? p.othersPerDay : poisson(this.rng, p.othersPerDay);
    const over = ourDay + 1 + others - p.allowance;
    if (over <= 0) return false;
    const chance = 1 - Math.exp(-p.perExtra * over);
    return (silent ? weyl(i, ALPHA_MARKETING) : this.rng.next()) < chance;
  }

  /** The phone comes back online: everything queued arrives at once (seed 000), or fails past its TTL. */
  private reconnect(i: number, at: Instant): void {
    const list = this.queued.get(i) ?? [];
    this.queued.delete(i);
    const live = list.filter((m) => at - m.sentAt <= this.params.delivery.ttl);
    for (let k = live.length; k < list.length; k++) this.recorder.failed(131026);
    for (const m of live) this.deliver(m, at, live.length);
  }

  private deliver(msg: Message, at: Instant, pile: number): void {
    this.recorder.counts.delivered++;
    this.books.delivered(msg.n, msg.recipient, at);
    this.reviews.record(msg.n, 'delivered', at);
    if (this.audience.isSilent(msg.i)) return;
    const boost = pile > 1 ? Math.pow(1 + this.params.fatigue.offlinePile, pile - 1) : 1;
    const reaction = this.audience.react(msg.i, msg.negative, boost);
    if (reaction.kind !== 'none' || (reaction.read && this.params.quality.weights.read !== 0)) {
      this.sim.schedule(reaction.delay, (s) => this.react(msg.n, reaction, s.now));
    } else if (reaction.read && at + reaction.delay <= this.end) {
      // A plain read weighs nothing in the rating: counted now if it happens by the horizon, no event.
      this.recorder.counts.read++;
    }
    if (!reaction.read) this.ignored.push(at + this.params.feedback.ignoreAfter, msg.n);
  }

  /** A STOP reply is recorded as a mute: it tells Meta the message was unwanted, less loudly than a block. */
  private react(n: number, r: Reaction, at: Instant): void {
    const c = this.recorder.counts;
    if (r.read) {
      c.read++;
      this.reviews.record(n, 'read', at);
    }
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
        for (let k = 0; k < this.held.length; k++) this.recorder.failed(132015);
        this.held = [];
      } else if (e.kind === 'released') {
        const released = this.held;
        this.held = [];
        for (const m of released) this.route(m, at, 0);
      }
    }
  }
}

/** A Poisson variate: Knuth's method for the usual few a day, a rounded normal for large means. */
function poisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const normal = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}
