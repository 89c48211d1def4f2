/**
 * From an accepted send to the phone and back, following the simulator's platform: the per-user
 * marketing limit (131049), then the phone: never for a number not on WhatsApp (131026), at once
 * for an online one (the model's delivery latency), on reconnect for an offline one (everything
 * queued arrives together, which invites reports), failed past the delivery TTL. A delivered
 * message is read and reacted to as the model's audience decides; the sandbox reports each step as
 * a status webhook or an inbound message. Scripted recipients follow their script instead.
 */
import type { FeedbackKind } from '../../core/quality-score.ts';
import type { Instant } from '../../core/time.ts';
import type { Random } from '../engine/random.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { ReactionKind } from '../model/audience.ts';
import type { ModelRecipients } from './model-recipients.ts';
import { ORDINARY_REPLIES, STOP_REPLIES, profileName, scriptedFate } from './recipient-script.ts';
import type { CatalogEntry } from './template-catalog.ts';
import type { Pricing, WorldEvent, WorldSend } from './world.ts';
import type { SandboxWorldParameters } from './world-parameters.ts';

export interface Message {
  readonly send: WorldSend;
  readonly wamid: string;
  readonly entry?: CatalogEntry;
  /** The recipient's slot in the model's audience. */
  readonly slot: number;
  /** Fatigue × scrutiny: the multiplier on this message's negative feedback. */
  readonly negative: number;
  readonly acceptedAt: Instant;
}

export interface DeliveryHooks {
  emit(event: WorldEvent): void;
  delivered(m: Message): void;
  feedback(m: Message, kind: FeedbackKind): void;
  inbound(numberId: string, waId: string, text: string, contextWamid: string): void;
}

export interface DeliveryCounts {
  sent: number; delivered: number; read: number; replied: number; stops: number; blocks: number; reports: number;
  failedByCode: Record<string, number>;
}

/** Titles and details as Meta words them. https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes */
const FAILURES: Readonly<Record<number, { title: string; details: string }>> = {
  131026: { title: 'Message undeliverable', details: 'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service; the recipient is using an old WhatsApp version.' },
  131047: { title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
  132015: { title: 'Template is paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
};

export class Deliveries {
  private readonly queued = new Map<number, Message[]>();
  private readonly texts: Random;

  constructor(
    private readonly sim: Simulation,
    private readonly params: SandboxWorldParameters,
    private readonly recipients: ModelRecipients,
    private readonly counts: DeliveryCounts,
    private readonly hooks: DeliveryHooks,
  ) {
    this.texts = sim.random('sandbox-texts');
  }

  profile(waId: string): string {
    return profileName(waId);
  }

  /** `sent` comes before delivery, never after it. */
  private get sentAfter(): number {
    return Math.min(this.params.sentAfter, this.params.model.delivery.latency);
  }

  /** From accepted (or released by pacing) to the phone. */
  route(m: Message, ourToday: number): void {
    const at = this.sim.now;
    const { latency } = this.params.model.delivery;
    const marketing = m.send.template?.category === 'MARKETING';
    const script = this.params.recipients[m.send.waId];
    if (script) {
      const fate = scriptedFate(script, marketing);
      if (fate.failCode !== undefined) return this.fail(m, fate.failCode, this.sentAfter);
      this.sent(m);
      this.sim.schedule(fate.offline ? this.params.audience.reconnectMean : latency, () => this.deliver(m, 1));
      return;
    }
    if (marketing && this.recipients.marketingLimited(m.slot, ourToday)) return this.fail(m, 131049, this.sentAfter);
    const arrival = this.recipients.arrive(m.slot, at);
    if (arrival.kind === 'unreachable') return this.fail(m, 131026, this.sentAfter);
    this.sent(m);
    if (arrival.kind === 'online') {
      this.sim.schedule(latency, () => this.deliver(m, 1));
      return;
    }
    const list = this.queued.get(m.slot);
    if (list) list.push(m);
    else this.queued.set(m.slot, [m]);
    if (!arrival.queuedBehind) this.sim.at(arrival.until, () => this.reconnect(m.slot));
  }

  fail(m: Message, code: number, after: number, details?: string): void {
    this.sim.schedule(after, () => {
      this.counts.failedByCode[code] = (this.counts.failedByCode[code] ?? 0) + 1;
      const { numberId, waId, callbackData } = m.send;
      const known = FAILURES[code];
      const error = { code, title: known?.title ?? 'Message failed', details: details ?? known?.details ?? 'The message could not be delivered.' };
      this.hooks.emit({ kind: 'status', at: this.sim.now, numberId, wamid: m.wamid, waId, status: 'failed', error, ...(callbackData !== undefined ? { callbackData } : {}) });
    });
  }

  private sent(m: Message): void {
    this.sim.schedule(this.sentAfter, () => {
      this.counts.sent++;
      this.status(m, 'sent');
    });
  }

  /** The phone is back: what was queued arrives at once (seed 000), or fails past its TTL. */
  private reconnect(slot: number): void {
    const list = this.queued.get(slot) ?? [];
    this.queued.delete(slot);
    const live = list.filter((m) => this.sim.now - m.acceptedAt <= this.params.model.delivery.ttl);
    for (const m of list) if (!live.includes(m)) this.fail(m, 131026, 0);
    for (const m of live) this.deliver(m, live.length);
  }

  private deliver(m: Message, pile: number): void {
    this.counts.delivered++;
    this.status(m, 'delivered');
    this.hooks.delivered(m);
    this.hooks.feedback(m, 'delivered');
    const { model } = this.params;
    const script = this.params.recipients[m.send.waId];
    let read: boolean;
    let kind: ReactionKind | 'none';
    let delay = model.feedback.readDelayMean;
    let text: string | undefined;
    if (script) {
      const fate = scriptedFate(script, m.send.template?.category === 'MARKETING');
      read = fate.read;
      kind = fate.reaction;
      text = fate.replyText;
    } else {
      const boost = pile > 1 ? Math.pow(1 + model.fatigue.offlinePile, pile - 1) : 1;
      const r = this.recipients.react(m.slot, m.negative, boost);
      ({ read, kind, delay } = r);
    }
    if (!read) this.sim.schedule(model.feedback.ignoreAfter, () => this.hooks.feedback(m, 'ignore'));
    if (!read && kind === 'none') return;
    this.sim.schedule(delay, () => this.react(m, read, kind, text));
  }

  /** A STOP counts as a mute with Meta: the message was unwanted, said less loudly than a block (the model's reading). */
  private react(m: Message, read: boolean, kind: ReactionKind | 'none', text: string | undefined): void {
    const { numberId, waId } = m.send;
    if (read) {
      this.counts.read++;
      this.status(m, 'read');
      this.hooks.feedback(m, 'read');
    }
    const pick = (list: readonly string[]) => list[this.texts.int(0, list.length - 1)]!;
    switch (kind) {
      case 'reply':
        this.counts.replied++;
        this.hooks.feedback(m, 'reply');
        this.hooks.inbound(numberId, waId, text ?? pick(ORDINARY_REPLIES), m.wamid);
        break;
      case 'stop':
        this.counts.replied++;
        this.counts.stops++;
        this.hooks.feedback(m, 'mute');
        this.hooks.inbound(numberId, waId, text ?? pick(STOP_REPLIES), m.wamid);
        break;
      case 'mute':
        this.hooks.feedback(m, 'mute');
        break;
      case 'block':
        this.counts.blocks++;
        this.hooks.feedback(m, 'block');
        break;
      case 'report':
        this.counts.reports++;
        this.hooks.feedback(m, 'report');
        break;
      case 'none':
        break;
    }
  }

  private pricing(m: Message): Pricing {
    const category = m.send.template?.category;
    return category === undefined
      ? { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' }
      : { billable: true, pricing_model: 'PMP', type: 'regular', category: category.toLowerCase() as Pricing['category'] };
  }

  private status(m: Message, status: 'sent' | 'delivered' | 'read'): void {
    const { numberId, waId, callbackData } = m.send;
    this.hooks.emit({ kind: 'status', at: this.sim.now, numberId, wamid: m.wamid, waId, status, pricing: this.pricing(m), ...(callbackData !== undefined ? { callbackData } : {}) });
  }
}
