/**
 * The sandbox's world, made of the simulator's model: recipients are the model's audience (fatigue,
 * opt-in, offline spells, reactions), negative feedback is multiplied by the model's scrutiny of
 * each number, the model's enforcement decides spam rate limits, blocks and bans, and every
 * unpublished number comes from the model's parameters. Limits and ratings are core's (the same
 * LimitHolder and QualityScore the model uses). What the simulator counts, the sandbox turns into
 * per-message events: statuses, replies, STOPs, and number, template and account updates.
 */
import { LimitHolder } from '../../core/limit-holder.ts';
import type { NumberStatus } from '../../core/phone-number.ts';
import { worstQuality, type QualityRating } from '../../core/quality.ts';
import type { FeedbackKind } from '../../core/quality-score.ts';
import type { TierEvent } from '../../core/tier-holder.ts';
import { DAY } from '../../core/time.ts';
import type { TierName } from '../../core/tier.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { EnforcementEvent } from '../model/enforcement.ts';
import { Scrutiny } from '../model/scrutiny.ts';
import { Deliveries, type Message } from './deliveries.ts';
import { ModelRecipients } from './model-recipients.ts';
import { NumberPlatform, type NumberSpec } from './number-platform.ts';
import type { TemplateCatalog } from './template-catalog.ts';
import { TemplatePlatform } from './template-platform.ts';
import type { NumberSnapshot, SandboxWorld, WorldAnswer, WorldEvent, WorldListener, WorldSend } from './world.ts';
import type { SandboxWorldParameters } from './world-parameters.ts';

export interface WorldCounts {
  accepted: number; held: number; sent: number; delivered: number; read: number; replied: number; stops: number; blocks: number; reports: number;
  failedByCode: Record<string, number>;
}

/** Free-form messages need a customer-service window: 24 h from the user's last message. */
const SERVICE_WINDOW = DAY;

export class ModelWorld implements SandboxWorld {
  readonly counts: WorldCounts = { accepted: 0, held: 0, sent: 0, delivered: 0, read: 0, replied: 0, stops: 0, blocks: 0, reports: 0, failedByCode: {} };
  private readonly platforms = new Map<string, NumberPlatform>();
  private readonly index = new Map<string, number>();
  private readonly holders = new Map<string, LimitHolder>();
  private readonly armed = new Map<LimitHolder, number>();
  private readonly listeners: WorldListener[] = [];
  private readonly lastInbound = new Map<string, number>();
  private readonly scrutiny: Scrutiny;
  private readonly recipients: ModelRecipients;
  private readonly deliveries: Deliveries;
  readonly templates: TemplatePlatform<Message>;
  private seq = 0;

  constructor(private readonly sim: Simulation, numbers: readonly (NumberSpec & { tier?: TierName })[], catalog: TemplateCatalog, private readonly params: SandboxWorldParameters) {
    const policy = params.policy;
    // A portfolio takes the highest tier among its numbers and the worst rating (as the simulator's books do).
    const tiers = numbers.map((n) => n.tier ?? policy.initialTier);
    const top = tiers.reduce((a, b) => (policy.tiers.indexOf(b) > policy.tiers.indexOf(a) ? b : a), policy.initialTier);
    const shared = policy.scope === 'portfolio'
      ? new LimitHolder(policy, { holderId: 'portfolio', at: sim.now, tier: top, quality: worstQuality(numbers.map((n) => n.quality ?? 'UNKNOWN')) })
      : undefined;
    numbers.forEach((spec, n) => {
      this.platforms.set(spec.id, new NumberPlatform(spec, params));
      this.index.set(spec.id, n);
      this.holders.set(spec.id, shared ?? new LimitHolder(policy, { holderId: spec.id, at: sim.now, ...(spec.tier ? { tier: spec.tier } : {}), quality: spec.quality ?? 'UNKNOWN' }));
    });
    // As the simulator: a number at the policy's first tier is new; one above it has sent about half its limit a day.
    this.scrutiny = new Scrutiny(params.model.scrutiny, sim.now, numbers.map((spec) => {
      const holder = this.holders.get(spec.id)!;
      const isNew = holder.state.tier === policy.initialTier;
      return { isNew, reference: isNew ? 0 : Math.min(holder.limit, Number.MAX_SAFE_INTEGER) / 2 };
    }));
    this.recipients = new ModelRecipients(params, sim.random('recipients'));
    this.templates = new TemplatePlatform<Message>(sim, catalog, params, {
      release: (m) => this.deliveries.route(m, 0),
      fail: (m, code) => this.deliveries.fail(m, code, 0),
      emit: (e) => this.emit(e),
    });
    this.deliveries = new Deliveries(sim, params, this.recipients, this.counts, {
      emit: (e) => this.emit(e),
      delivered: (m) => {
        const holder = this.holders.get(m.send.numberId)!;
        this.tierEvents(holder, holder.delivered(m.send.waId, this.sim.now));
      },
      feedback: (m, kind) => this.feedback(m, kind),
      inbound: (numberId, waId, text, context) => this.inbound(numberId, waId, text, context),
    });
    sim.schedule(params.model.rating.interval, () => this.review());
  }

  subscribe(listener: WorldListener): void {
    this.listeners.push(listener);
  }

  get catalog(): TemplateCatalog {
    return this.templates.catalog;
  }

  numbers(): readonly NumberSnapshot[] {
    return [...this.platforms.keys()].map((id) => this.number(id)!);
  }

  /** Most severe first, as the simulator's books: banned, forced, blocked or at the limit, rate limited. */
  number(id: string): NumberSnapshot | undefined {
    const p = this.platforms.get(id);
    const h = this.holders.get(id);
    if (!p || !h) return undefined;
    const at = this.sim.now;
    const e = p.enforcement;
    const used = h.used(at);
    const status: NumberStatus = e.banned ? 'BANNED' : p.forcedStatus
      ?? (e.isBlocked(at) || used >= h.limit ? 'RESTRICTED' : e.isRateLimited(at) ? 'RATE_LIMITED' : h.state.status);
    return { id, display: p.spec.display, verifiedName: p.spec.verifiedName, status, quality: p.quality, tier: h.state.tier, throughputMps: p.spec.throughputMps, used };
  }

  submit(send: WorldSend): WorldAnswer {
    const at = this.sim.now;
    const p = this.platforms.get(send.numberId);
    if (!p) return { ok: false, code: 100, details: `Unsupported post request. Object with ID '${send.numberId}' does not exist.` };
    const refusal = p.refuse(send.waId, at);
    if (refusal) return { ok: false, ...refusal };
    const entry = send.template ? this.catalog.entry(send.template.name, send.template.language) : undefined;
    const check = entry ? this.catalog.canSend(entry, at) : { ok: true as const, held: false };
    if (!check.ok) {
      p.refundPair(send.waId);
      return { ok: false, code: check.metaCode, details: check.reason };
    }
    p.countMessage(at);
    const slot = this.recipients.slot(send.waId);
    const ourToday = this.recipients.sinceLastSend(slot, at) < DAY ? 1 : 0;
    const earlier = this.recipients.noteSent(slot, at);
    const negative = this.scrutiny.noteSend(this.index.get(send.numberId)!, at) * Math.pow(1 + this.params.model.fatigue.perMessage, earlier);
    const message: Message = { send, wamid: this.wamid(send.waId, 'ERgS'), slot, negative, acceptedAt: at, ...(entry ? { entry } : {}) };
    this.counts.accepted++;
    const answer = { ok: true as const, wamid: message.wamid, held: false };
    if (send.failWith !== undefined) return this.deliveries.fail(message, send.failWith, this.params.sentAfter), answer;
    if (send.type === 'text') {
      const last = this.lastInbound.get(`${send.numberId}:${send.waId}`);
      if (last === undefined || at - last > SERVICE_WINDOW) this.deliveries.fail(message, 131047, this.params.sentAfter);
      else this.deliveries.route(message, ourToday);
      return answer;
    }
    const holder = this.holders.get(send.numberId)!;
    const opened = holder.open(send.waId, at);
    this.tierEvents(holder, opened.events);
    if (!opened.result.ok) {
      this.deliveries.fail(message, this.params.limitReachedCode, this.params.sentAfter, `Messaging limit reached: ${holder.state.tier} allows ${holder.limit} unique users in a rolling 24 hours.`);
      return answer;
    }
    if (entry) this.templates.sent(entry, message, check.held);
    if (check.held) {
      this.counts.held++;
      return { ...answer, held: true };
    }
    this.deliveries.route(message, ourToday);
    return answer;
  }

  inbound(numberId: string, waId: string, text: string, contextWamid?: string): void {
    if (!this.platforms.has(numberId)) return;
    this.lastInbound.set(`${numberId}:${waId}`, this.sim.now);
    this.emit({ kind: 'inbound', at: this.sim.now, numberId, waId, profileName: this.deliveries.profile(waId), wamid: this.wamid(waId, 'EhgU'), text, ...(contextWamid ? { contextWamid } : {}) });
  }

  /** A forced rating holds until feedback arrives after it (the simulator's reviews do the same). */
  driveQuality(numberId: string, quality: QualityRating): void {
    const p = this.platforms.get(numberId);
    if (!p) return;
    p.forcedAt = this.sim.now;
    this.setQuality(numberId, quality);
  }

  driveStatus(numberId: string, status: NumberStatus): void {
    const p = this.platforms.get(numberId);
    if (!p) return;
    p.forcedStatus = status === 'CONNECTED' ? undefined : status;
    if (status === 'BANNED' || status === 'CONNECTED') p.enforcement.force(status, this.sim.now);
    if (status === 'BANNED') this.emit({ kind: 'account-update', at: this.sim.now, numberId, event: 'DISABLED_UPDATE', banState: 'DISABLE' });
  }

  /** Force a template's quality rating: RED pauses it (then disables it on the third time). */
  driveTemplateQuality(name: string, language: string, quality: QualityRating): boolean {
    const entry = this.catalog.entry(name, language);
    if (entry) this.templates.rate(entry, quality);
    return entry !== undefined;
  }

  private wamid(waId: string, kind: string): string {
    return `wamid.HBgM${waId}FQIA${kind}${(++this.seq).toString(16).toUpperCase().padStart(20, '0')}`;
  }

  private emit(event: WorldEvent): void {
    for (const l of this.listeners) l(event);
  }

  private feedback(m: Message, kind: FeedbackKind): void {
    const p = this.platforms.get(m.send.numberId)!;
    const at = this.sim.now;
    p.score.record(kind, at);
    p.enforcement.record(kind, at);
    if (m.entry) this.templates.feedback(m.entry, kind);
    if (at > p.forcedAt) p.forcedAt = Number.NaN;
    if (kind !== 'block' && kind !== 'report' && kind !== 'mute') return;
    const { burstNegatives, burstDelay } = this.params.model.rating;
    if (++p.negatives >= burstNegatives && !p.earlyRating) {
      p.earlyRating = true;
      this.sim.schedule(burstDelay, () => this.rate(m.send.numberId));
    }
  }

  /** Meta's periodic review: every number rated and its conduct reviewed, then every template. */
  private review(): void {
    for (const id of this.platforms.keys()) this.rate(id);
    this.templates.review();
    this.sim.schedule(this.params.model.rating.interval, () => this.review());
  }

  private rate(numberId: string): void {
    const p = this.platforms.get(numberId)!;
    const at = this.sim.now;
    p.negatives = 0;
    p.earlyRating = false;
    if (Number.isNaN(p.forcedAt)) {
      // No traffic left in the lookback: unrated again, not stuck at an old rating.
      const next = p.score.negativeRate(at).sample === 0 ? 'UNKNOWN' : p.score.rating(at, p.quality);
      if (next !== p.quality) this.setQuality(numberId, next);
    }
    for (const e of p.enforcement.review(at)) this.enforcementEvent(numberId, e);
  }

  private setQuality(numberId: string, quality: QualityRating): void {
    this.platforms.get(numberId)!.quality = quality;
    const holder = this.holders.get(numberId)!;
    const sharing = [...this.holders].filter(([, h]) => h === holder).map(([id]) => this.platforms.get(id)!.quality);
    const rated = sharing.filter((q) => q !== 'UNKNOWN');
    this.tierEvents(holder, holder.rate(rated.length > 0 ? worstQuality(rated) : 'UNKNOWN', this.sim.now));
  }

  /** The ladder's rungs as Meta announces them; the spam rate limit shows only as 131048 and RATE_LIMITED. */
  private enforcementEvent(numberId: string, e: EnforcementEvent): void {
    if (e.kind === 'warning') this.emit({ kind: 'account-update', at: e.at, numberId, event: 'ACCOUNT_VIOLATION', violationType: 'SPAM' });
    if (e.kind === 'banned') this.emit({ kind: 'account-update', at: e.at, numberId, event: 'DISABLED_UPDATE', banState: 'DISABLE' });
    if (e.kind === 'blocked') {
      const restrictions = [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: e.until }, ...(e.replies ? [{ type: 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING', expiresAt: e.until }] : [])];
      this.emit({ kind: 'account-update', at: e.at, numberId, event: 'ACCOUNT_RESTRICTION', restrictions });
    }
  }

  private tierEvents(holder: LimitHolder, events: readonly TierEvent[]): void {
    const ids = [...this.holders].filter(([, h]) => h === holder).map(([id]) => id);
    for (const e of events) {
      const event = e.kind === 'tier-changed' ? (e.reason === 'upgrade' ? 'UPGRADE' : 'DOWNGRADE')
        : e.kind === 'status-changed' ? (e.to === 'FLAGGED' ? 'FLAGGED' : 'UNFLAGGED') : undefined;
      if (!event) continue;
      for (const numberId of ids) {
        this.emit({ kind: 'number-quality', at: e.at, numberId, event, currentLimit: e.kind === 'tier-changed' ? e.to : holder.state.tier, ...(e.kind === 'tier-changed' ? { oldLimit: e.from } : {}) });
      }
    }
    const deadline = holder.nextDeadline();
    if (deadline !== undefined && this.armed.get(holder) !== deadline) {
      this.armed.set(holder, deadline);
      this.sim.at(Math.max(deadline, this.sim.now), () => this.tierEvents(holder, holder.advance(this.sim.now)));
    }
  }
}
