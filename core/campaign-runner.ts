/**
 * The campaign runner: one campaign's decisions, written once. It is synchronous and pure of I/O:
 * `next(now)` says what to send and when to look again, `onResult` and `onSignal` take what the
 * world answered, and every call returns the effects for the shell to carry out in order (ledger
 * rows to make durable first, then sends, notices, contact updates). `driveCampaign` runs it on
 * real ports; the simulator runs it on virtual ones, with the same answers.
 *
 * What it guarantees: nothing goes out past the plan, the rolling-window room or the throughput
 * tick; recipients beyond today's room wait, they are never failed; a row with a message id is
 * never sent again; a send that may have gone out is reconciled or reported unknown, never resent;
 * the campaign pauses itself on the first sign of harm, and only a human resumes it.
 */
import { transition, type Campaign } from './campaign.ts';
import { sendEligibility, type SuppressionReason } from './contact.ts';
import type { LedgerEntry, LedgerKey } from './ledger-entry.ts';
import { classifyMetaError, retryDelay, type MetaErrorInfo } from './meta-error.ts';
import { planNext, type SenderView } from './pacing-planner.ts';
import type { PhoneNumber } from './phone-number.ts';
import { runnerOptions, type RunnerOptions } from './runner-options.ts';
import type { SendResult } from './runner-ports.ts';
import type { RunnerSignal } from './runner-signal.ts';
import { SafetyMonitor, type PauseVerdict } from './safety-monitor.ts';
import type { Instant } from './time.ts';
import { RunnerQueues } from './runner-queues.ts';
import { emptyEffects, type Effects, type RunnerSetup } from './runner-setup.ts';

export type { ContactUpdate, Effects, RunnerRecipient, RunnerSetup } from './runner-setup.ts';


export class CampaignRunner {
  readonly options: RunnerOptions;
  private current: Campaign;
  private readonly safety: SafetyMonitor;
  private readonly queues: RunnerQueues;
  private readonly numbers: ReadonlyMap<string, PhoneNumber>;
  private readonly unavailable = new Set<string>();
  /** Contacts this run learned must not be sent to (a STOP, a suppression), before the store catches up. */
  private readonly blocked = new Map<string, 'opted-out' | 'suppressed'>();
  private readonly keys: readonly string[];

  constructor(private readonly setup: RunnerSetup) {
    this.options = runnerOptions(setup.options);
    this.current = setup.campaign;
    this.safety = new SafetyMonitor(this.options);
    this.keys = setup.messageKeys && setup.messageKeys.length > 0 ? setup.messageKeys : ['m1'];
    const pool = setup.numbers.filter((n) => setup.campaign.from.includes(n.id) && (n.role === 'campaign' || this.options.allowMainNumber));
    this.numbers = new Map(pool.map((n) => [n.id, n]));
    this.queues = new RunnerQueues(setup.ledger, setup.campaign.id, setup.recipients, this.keys);
  }

  get campaign(): Campaign {
    return this.current;
  }

  /** True once the campaign has ended (completed, stopped or failed). */
  get finished(): boolean {
    return ['completed', 'stopped', 'failed'].includes(this.current.status);
  }

  /**
   * After a restart: sends that were in flight when the process died may have gone out. They are
   * marked maybe-sent (reconciled by a status webhook, or reported unknown), never resent.
   */
  recover(now: Instant): Effects {
    const fx = emptyEffects();
    for (const e of this.setup.ledger.recoverInFlight(now).entries) this.record(e, fx);
    return fx;
  }

  /** What may go out now, and when to look again. */
  next(now: Instant): Effects {
    const fx = emptyEffects();
    if (this.current.status !== 'running') return fx;
    // The sweep reads every row: run it only when a maybe-sent send is due to expire (its queue knows when).
    const expiry = this.queues.nextMaybeExpiry(this.options.maybeSentTimeout);
    const expired = expiry !== undefined && expiry <= now ? this.setup.ledger.expireMaybeSent(now, this.options.maybeSentTimeout).entries : [];
    for (const e of expired) {
      this.record(e, fx);
      if (e.state === 'unknown') fx.notices.push({ kind: 'outcome-unknown', campaignId: this.current.id, at: now, contact: e.key.waId, sendId: e.sendId });
    }
    const senders = this.senderViews();
    for (const key of this.queues.dueFollowUps(now)) this.begin(key, this.queues.stickySender(key.waId) ?? senders[0]?.id, now, fx);

    const decision = planNext({
      now, startedAt: this.current.startedAt ?? now, schedule: this.setup.schedule, sent: this.queues.begun, remaining: this.queues.remaining,
      senders, budgets: this.budgets(senders, now), tick: this.options.tick,
    });
    switch (decision.kind) {
      case 'send':
        for (const batch of decision.batches) this.sendBatch(batch.numberId, batch.count, now, fx);
        fx.wakeAt = this.earliest(decision.nextCheckAt, now);
        break;
      case 'wait':
        fx.wakeAt = this.earliest(decision.until, now);
        break;
      case 'blocked':
        this.pause({ reason: 'restricted', detail: decision.reason === 'no-available-sender' ? 'no campaign number can send now' : 'no messaging limit room will ever free' }, now, fx);
        break;
      case 'done':
        if (this.queues.settled(now, this.options.deliveryWait)) this.finish(now, fx);
        else fx.wakeAt = this.earliest(undefined, now);
        break;
    }
    return fx;
  }

  /** What the Cloud API (or the simulated platform) answered to one send. */
  onResult(sendId: string, result: SendResult, now: Instant): Effects {
    const fx = emptyEffects();
    const entry = this.setup.ledger.findBySendId(sendId);
    if (!entry) return fx;
    const numberId = this.queues.stickySender(entry.key.waId) ?? '';
    switch (result.kind) {
      case 'accepted':
        this.write(this.setup.ledger.recordAccepted(sendId, result.wamid, now), fx);
        break;
      case 'maybe-sent':
        this.write(this.setup.ledger.recordMaybeSent(sendId, now), fx);
        break;
      case 'not-sent': {
        const { baseMs, factor, maxAttempts } = this.options.transportRetry;
        if (entry.attempts < maxAttempts) this.retryAt(sendId, now + baseMs * factor ** (entry.attempts - 1), result.reason, undefined, now, fx);
        else this.fail(sendId, { reason: 'transport', explanation: `not sent after ${entry.attempts} attempts: ${result.reason}` }, now, fx);
        break;
      }
      case 'rejected':
        this.rejected(sendId, entry.key, entry.attempts, numberId, result.info, now, fx);
        break;
    }
    fx.wakeAt = this.earliest(undefined, now);
    return fx;
  }

  /** A webhook (or a simulated platform event) about a message, a number, a template or a contact. */
  onSignal(signal: RunnerSignal, now: Instant): Effects {
    const fx = emptyEffects();
    const verdict = this.safety.signal(signal, new Set(this.numbers.keys()), this.setup.campaign.template.name);
    switch (signal.kind) {
      case 'status':
        this.status(signal, now, fx);
        break;
      case 'number-tier': {
        const holder = this.setup.holders.get(this.setup.holderOf(signal.numberId));
        // Meta's timestamp is older than the books' last entry (every send moves them on): apply it now.
        holder?.observeTier(signal.tier, Math.max(now, holder.state.at));
        break;
      }
      case 'number-status':
        // A FLAGGED number can still send (the safety monitor pauses the campaign; a person decides).
        if (signal.status === 'CONNECTED' || signal.status === 'FLAGGED') this.unavailable.delete(signal.numberId);
        else this.unavailable.add(signal.numberId);
        break;
      case 'inbound':
        this.inbound(signal, now, fx);
        break;
      default:
        break;
    }
    if (verdict) this.pause(verdict, now, fx);
    return fx;
  }

  pause(verdict: PauseVerdict, now: Instant, fx: Effects = emptyEffects()): Effects {
    const t = transition(this.current, { kind: 'pause', reason: verdict.reason, detail: verdict.detail }, now);
    if (t.ok) {
      this.current = t.campaign;
      fx.campaign = t.campaign;
      fx.notices.push({ kind: 'campaign-paused', campaignId: this.current.id, at: now, reason: verdict.reason, detail: verdict.detail });
    }
    return fx;
  }

  /** A human resumes: sends that were cut off by the pause go again. */
  resume(by: string, now: Instant): Effects {
    const fx = emptyEffects();
    const t = transition(this.current, { kind: 'resume', by }, now);
    if (t.ok) {
      this.current = t.campaign;
      fx.campaign = t.campaign;
      fx.wakeAt = now;
    }
    return fx;
  }

  stop(by: string, reason: string, now: Instant): Effects {
    const fx = emptyEffects();
    const t = transition(this.current, { kind: 'stop', by, reason }, now);
    if (t.ok) {
      this.current = t.campaign;
      fx.campaign = t.campaign;
      fx.notices.push({ kind: 'campaign-finished', campaignId: this.current.id, at: now, status: 'stopped', summary: this.summaryLine() });
    }
    return fx;
  }

  private sendBatch(numberId: string, count: number, now: Instant, fx: Effects): void {
    for (let sent = 0; sent < count;) {
      const r = this.queues.takeNew();
      if (!r) return;
      const key: LedgerKey = { campaignId: this.current.id, waId: r.waId, messageKey: this.keys[0]! };
      const blocked = this.blocked.get(r.waId);
      const eligibility = blocked ? ({ ok: false, reason: blocked } as const) : r.contact ? sendEligibility(r.contact, now) : ({ ok: false, reason: 'no-opt-in' } as const);
      if (!eligibility.ok) {
        const added = this.setup.ledger.get(key) ? undefined : this.setup.ledger.add(key, now);
        if (added && !added.ok) continue;
        this.write(this.setup.ledger.skip(key, eligibility.reason, now), fx);
        continue;
      }
      if (this.begin(key, numberId, now, fx)) sent++;
    }
  }

  /** Open the conversation on the holder's books, write the intent, queue the request. */
  private begin(key: LedgerKey, numberId: string | undefined, now: Instant, fx: Effects): boolean {
    if (numberId === undefined) return false;
    const holder = this.setup.holders.get(this.setup.holderOf(numberId));
    if (holder && !holder.open(key.waId, now).result.ok) {
      this.queues.defer(key, now + this.options.tick);
      return false;
    }
    const attempt = (this.setup.ledger.get(key)?.attempts ?? 0) + 1;
    const sendId = `${key.campaignId}.${key.waId}.${key.messageKey}.${attempt}`;
    const step = this.setup.ledger.get(key) ? this.setup.ledger.beginSend(key, sendId, now) : this.addAndBegin(key, sendId, now);
    if (!step.ok) return false;
    this.record(step.entry, fx);
    this.queues.started(key, numberId);
    fx.sends.push({ sendId, numberId, to: key.waId, template: this.setup.message(key.waId, key.messageKey) });
    return true;
  }

  private addAndBegin(key: LedgerKey, sendId: string, now: Instant) {
    const added = this.setup.ledger.add(key, now);
    return added.ok ? this.setup.ledger.beginSend(key, sendId, now) : added;
  }

  private rejected(sendId: string, key: LedgerKey, attempts: number, numberId: string, info: MetaErrorInfo, now: Instant, fx: Effects): void {
    const stop = this.safety.metaCode(info.code, numberId, this.setup.campaign.template.name);
    if (stop) {
      // Certainly not sent, and the number or template is in trouble: wait for a human, then retry.
      this.retryAt(sendId, now, info.title, info.code, now, fx);
      this.pause(stop, now, fx);
      return;
    }
    if (info.action === 'retry-soon' || info.action === 'retry-later') {
      const delay = retryDelay(info, attempts);
      if (delay !== undefined) return this.retryAt(sendId, now + delay, info.title, info.code, now, fx);
    }
    if (info.action === 'suppress-contact') this.suppressContact(key.waId, info.code, now, fx);
    this.fail(sendId, { reason: info.action, metaCode: info.code, explanation: info.explanation }, now, fx);
  }

  private status(signal: Extract<RunnerSignal, { kind: 'status' }>, now: Instant, fx: Effects): void {
    const found = signal.sendId ? this.setup.ledger.findBySendId(signal.sendId) : undefined;
    const before = found ?? (signal.wamid ? this.setup.ledger.findByWamid(signal.wamid) : undefined);
    const outcome = this.setup.ledger.applyStatus({
      status: signal.status, at: signal.at, ...(signal.wamid ? { wamid: signal.wamid } : {}), ...(signal.sendId ? { sendId: signal.sendId } : {}), ...(signal.errors ? { errors: signal.errors } : {}),
    });
    if (outcome.kind !== 'applied' || !outcome.changed) return;
    const entry = outcome.entry;
    this.record(entry, fx);
    if (entry.state !== 'accepted') return;
    const prev = before?.state === 'accepted' ? before.delivery.status : 'accepted';
    if (entry.delivery.status === 'failed' && prev !== 'failed') {
      const code = entry.delivery.errors[0]?.code;
      const verdict = this.safety.outcome(true);
      if (code !== undefined) this.deliveryFailed(entry.key, code, now, fx);
      if (verdict) this.pause(verdict, now, fx);
    } else if ((entry.delivery.status === 'delivered' || entry.delivery.status === 'read') && prev !== 'delivered' && prev !== 'read') {
      const verdict = this.safety.outcome(false);
      // A sequence's next message waits for this one's delivery: WhatsApp does not guarantee order.
      const next = this.queues.nextStep(entry.key);
      if (next && !this.setup.ledger.get(next)) {
        const added = this.setup.ledger.add(next, now);
        if (added.ok) this.record(added.entry, fx);
      }
      if (verdict) this.pause(verdict, now, fx);
    }
  }

  /** A delivery failure of an accepted message: it was not delivered, so a follow-up is not a duplicate. */
  private deliveryFailed(key: LedgerKey, code: number, now: Instant, fx: Effects): void {
    const info = classifyMetaError(code);
    const stop = this.safety.metaCode(code, this.queues.stickySender(key.waId) ?? '', this.setup.campaign.template.name);
    if (stop) this.pause(stop, now, fx);
    if (info.action === 'suppress-contact') this.suppressContact(key.waId, code, now, fx);
    if (info.action === 'retry-later') {
      const n = this.queues.followUpCount(key) + 1;
      const delay = n <= this.options.frequencyCapRetries ? retryDelay(info, n) : undefined;
      if (delay !== undefined) {
        const followUp: LedgerKey = { ...key, messageKey: `${key.messageKey.split('~')[0]}~${n}` };
        const added = this.setup.ledger.add(followUp, now, now + delay);
        if (added.ok) this.record(added.entry, fx);
      }
    }
  }

  private inbound(signal: Extract<RunnerSignal, { kind: 'inbound' }>, now: Instant, fx: Effects): void {
    if (this.numbers.has(signal.numberId)) {
      // Replies to a campaign number belong to the main inbox: the campaign number may be burned, the history must not be.
      fx.notices.push({ kind: 'reply-routed', campaignId: this.current.id, at: now, fromNumberId: signal.numberId, to: 'main', contact: signal.from, text: signal.text });
    }
    if (!signal.optOut) return;
    this.blocked.set(signal.from, 'opted-out');
    fx.contactUpdates.push({ waId: signal.from, at: now, change: { kind: 'opt-out', text: signal.text } });
    for (const key of this.queues.unsentKeysOf(signal.from)) this.write(this.setup.ledger.skip(key, 'opted-out', now, signal.text), fx);
  }

  private suppressContact(waId: string, code: number, now: Instant, fx: Effects): void {
    const reason: SuppressionReason = code === 131026 ? 'not-on-whatsapp' : code === 131050 ? 'stopped-marketing' : 'blocked';
    this.blocked.set(waId, 'suppressed');
    fx.contactUpdates.push({ waId, at: now, change: { kind: 'suppress', reason, metaCode: code } });
  }

  private retryAt(sendId: string, at: Instant, reason: string, metaCode: number | undefined, now: Instant, fx: Effects): void {
    this.write(this.setup.ledger.recordNotSent(sendId, now, { kind: 'retry', retryAt: at, reason, ...(metaCode !== undefined ? { metaCode } : {}) }), fx);
  }

  private fail(sendId: string, failure: { reason: string; metaCode?: number; explanation: string }, now: Instant, fx: Effects): void {
    this.write(this.setup.ledger.recordNotSent(sendId, now, { kind: 'final', ...failure }), fx);
    const verdict = this.safety.outcome(true);
    if (verdict) this.pause(verdict, now, fx);
  }

  private write(step: { ok: true; entry: LedgerEntry } | { ok: false }, fx: Effects): boolean {
    if (step.ok) this.record(step.entry, fx);
    return step.ok;
  }

  /** Every row the runner writes also moves its working indexes. */
  private record(entry: LedgerEntry, fx: Effects): void {
    fx.writes.push(entry);
    this.queues.observe(entry);
  }

  private finish(now: Instant, fx: Effects): void {
    const t = transition(this.current, { kind: 'complete' }, now);
    if (!t.ok) return;
    this.current = t.campaign;
    fx.campaign = t.campaign;
    fx.notices.push({ kind: 'campaign-finished', campaignId: this.current.id, at: now, status: 'completed', summary: this.summaryLine() });
  }

  private summaryLine(): string {
    const s = this.setup.ledger.summary(this.current.id);
    return `${s.byState.accepted} accepted, ${s.byState.failed} failed, ${s.byState.skipped} skipped, ${s.byState.unknown} unknown`;
  }

  private senderViews(): SenderView[] {
    return [...this.numbers.values()].map((n) => ({
      id: n.id, holderId: this.setup.holderOf(n.id), throughputMps: n.throughputMps,
      available: !this.unavailable.has(n.id) && (n.status === 'CONNECTED' || n.status === 'FLAGGED'),
    }));
  }

  private budgets(senders: readonly SenderView[], now: Instant) {
    const ids = [...new Set(senders.map((s) => s.holderId))];
    return ids.map((holderId) => {
      const h = this.setup.holders.get(holderId);
      if (!h) return { holderId, room: 0 };
      const nextRoomAt = h.nextRoomAt(now);
      return { holderId, room: h.room(now), ...(nextRoomAt !== undefined ? { nextRoomAt } : {}) };
    });
  }

  /** The earliest of a planner time, the next follow-up and the next maybe-sent expiry. */
  private earliest(planned: Instant | undefined, now: Instant): Instant | undefined {
    const times = [planned, this.queues.nextFollowUpAt(), this.queues.nextMaybeExpiry(this.options.maybeSentTimeout), this.queues.nextAwaitingExpiry(now, this.options.deliveryWait)].filter((t): t is Instant => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }
}

