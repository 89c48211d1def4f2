/**
 * The per-recipient ledger of one or more campaigns, in memory: rows keyed by (campaign, recipient,
 * message), with indexes send id → row and wamid → row so that responses and status webhooks find
 * their row. A durable store implements the same methods later; `checkInvariants` states what it
 * must keep true.
 *
 * Webhooks are delivered twice and out of order for up to 7 days, and some name ids we never
 * issued (another app on the same WABA): duplicates are no-ops and unknown ids come back as an
 * `orphan-status` outcome, never a throw.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
import { CoreError, describe, invalidArgument } from './errors.ts';
import * as row from './ledger-entry.ts';
import type { EntryState, EntryStep, LedgerEntry, LedgerEvent, LedgerKey, NotSentOutcome, Refusal, SkipReason, StatusInput } from './ledger-entry.ts';
import { DELIVERY_STATUSES, parseDeliveryStatus, type DeliveryStatus } from './message-status.ts';
import type { Duration, Instant } from './time.ts';

export type StatusOutcome =
  | { readonly kind: 'applied'; readonly key: LedgerKey; readonly entry: LedgerEntry; readonly events: readonly LedgerEvent[]; readonly changed: boolean }
  /** A status for a second message of a row that already has one: Meta sent it twice. Alert. */
  | { readonly kind: 'duplicate-send'; readonly key: LedgerKey; readonly entry: LedgerEntry; readonly events: readonly LedgerEvent[] }
  | { readonly kind: 'orphan-status'; readonly wamid?: string; readonly sendId?: string; readonly status: DeliveryStatus; readonly at: Instant };

/** The rows a sweep changed (for the store to write) and what happened to them. */
export interface SweepResult { readonly entries: readonly LedgerEntry[]; readonly events: readonly LedgerEvent[] }

export interface DuplicateSend { readonly key: LedgerKey; readonly at: Instant; readonly sendId?: string; readonly wamid?: string }

export interface LedgerSummary {
  readonly total: number;
  readonly byState: Readonly<Record<EntryState, number>>;
  /** Accepted rows by how far their message got. */
  readonly byDelivery: Readonly<Record<DeliveryStatus, number>>;
  /** Failed rows by reason. */
  readonly failures: Readonly<Record<string, number>>;
  /** Accepted rows whose message then failed, by Meta error code ("none" when the webhook had no error). */
  readonly deliveryFailures: Readonly<Record<string, number>>;
  readonly skips: Readonly<Record<string, number>>;
  readonly attempts: number;
  readonly duplicateSends: number;
}

export type InvariantRule = 'single-row' | 'one-accepted-send' | 'wamid-only-when-accepted' | 'acknowledged-is-accepted' | 'unique-send-ids' | 'attempts';
export interface InvariantViolation { readonly rule: InvariantRule; readonly message: string; readonly key?: LedgerKey }

/** The port the campaign runner writes through; a durable store implements the same methods. */
export interface LedgerOperations {
  add(key: LedgerKey, at: Instant, notBefore?: Instant): EntryStep;
  get(key: LedgerKey): LedgerEntry | undefined;
  sendable(at: Instant, campaignId?: string): LedgerKey[];
  beginSend(key: LedgerKey, sendId: string, at: Instant): EntryStep;
  recordAccepted(sendId: string, wamid: string, at: Instant): EntryStep;
  recordNotSent(sendId: string, at: Instant, outcome: NotSentOutcome): EntryStep;
  recordMaybeSent(sendId: string, at: Instant): EntryStep;
  recoverInFlight(at: Instant): SweepResult;
  expireMaybeSent(at: Instant, timeout: Duration): SweepResult;
  skip(key: LedgerKey, reason: SkipReason, at: Instant, detail?: string): EntryStep;
  giveUp(key: LedgerKey, at: Instant, failure: { reason: string; metaCode?: number; explanation: string }): EntryStep;
  applyStatus(input: StatusInput): StatusOutcome;
  summary(campaignId?: string): LedgerSummary;
  checkInvariants(): InvariantViolation[];
}

const ACTIVE_SEND: ReadonlySet<EntryState> = new Set(['intent', 'maybe-sent', 'retry-wait', 'unknown']);

export class CampaignLedger implements LedgerOperations {
  readonly #rows = new Map<string, LedgerEntry>();
  readonly #bySendId = new Map<string, string>();
  readonly #byWamid = new Map<string, string>();
  readonly #duplicateWamids = new Map<string, string>();
  /** Send ids Meta answered for (a response or a status named them). */
  readonly #acknowledged = new Set<string>();
  readonly #duplicates: DuplicateSend[] = [];
  readonly #loadViolations: InvariantViolation[] = [];

  /** Rebuild a ledger from stored rows. Problems in the rows surface in `checkInvariants`. */
  static fromEntries(entries: Iterable<LedgerEntry>): CampaignLedger {
    const ledger = new CampaignLedger();
    for (const entry of entries) {
      const id = row.keyId(entry.key);
      const earlier = ledger.#rows.get(id);
      if (earlier) {
        const rule = earlier.state === 'accepted' && entry.state === 'accepted' ? 'one-accepted-send' : 'single-row';
        ledger.#loadViolations.push({ rule, key: entry.key, message: `${row.describeKey(entry.key)}: two rows (${earlier.state}, ${entry.state}); expected one` });
        continue;
      }
      ledger.#rows.set(id, entry);
      for (const sendId of entry.sendIds) {
        if (ledger.#bySendId.has(sendId)) ledger.#loadViolations.push({ rule: 'unique-send-ids', key: entry.key, message: `send id ${sendId} is used by two rows` });
        else ledger.#bySendId.set(sendId, id);
      }
      if (entry.state === 'accepted') {
        ledger.#acknowledged.add(entry.sendId);
        if (entry.wamid !== undefined && !ledger.#byWamid.has(entry.wamid)) ledger.#byWamid.set(entry.wamid, id);
      }
    }
    return ledger;
  }

  get size(): number {
    return this.#rows.size;
  }

  get(key: LedgerKey): LedgerEntry | undefined {
    return this.#rows.get(row.keyId(key));
  }

  findBySendId(sendId: string): LedgerEntry | undefined {
    const id = this.#bySendId.get(sendId);
    return id === undefined ? undefined : this.#rows.get(id);
  }

  findByWamid(wamid: string): LedgerEntry | undefined {
    const id = this.#byWamid.get(wamid) ?? this.#duplicateWamids.get(wamid);
    return id === undefined ? undefined : this.#rows.get(id);
  }

  entries(campaignId?: string): LedgerEntry[] {
    return [...this.#rows.values()].filter((e) => campaignId === undefined || e.key.campaignId === campaignId);
  }

  /** Rows a send may begin for at `at`: pending, or waiting for a retry that is due. */
  sendable(at: Instant, campaignId?: string): LedgerKey[] {
    return this.entries(campaignId).filter((e) => row.canBeginSend(e, at)).map((e) => e.key);
  }

  duplicateSends(): readonly DuplicateSend[] {
    return this.#duplicates;
  }

  add(key: LedgerKey, at: Instant, notBefore?: Instant): EntryStep {
    const entry = row.createEntry(key, at, notBefore);
    const id = row.keyId(entry.key);
    if (this.#rows.has(id)) return refusal('duplicate-key', `${row.describeKey(entry.key)}: already in the ledger`, entry.key);
    this.#rows.set(id, entry);
    return { ok: true, entry, events: [] };
  }

  beginSend(key: LedgerKey, sendId: string, at: Instant): EntryStep {
    row.checkSendId(sendId);
    const entry = this.get(key);
    if (!entry) return refusal('unknown-key', `${row.describeKey(key)}: not in the ledger; add it first`, key);
    const owner = this.#bySendId.get(sendId);
    if (owner !== undefined) return refusal('send-id-reused', `send id ${sendId} was already used by ${row.describeKey(this.#rows.get(owner)!.key)}; expected a fresh one per attempt`, key);
    return this.#commit(row.beginSend(entry, sendId, at));
  }

  recordAccepted(sendId: string, wamid: string, at: Instant): EntryStep {
    const entry = this.#bySend(sendId);
    if (!entry.ok) return entry;
    const owner = this.#byWamid.get(wamid) ?? this.#duplicateWamids.get(wamid);
    if (owner !== undefined && owner !== row.keyId(entry.entry.key)) {
      return refusal('wamid-conflict', `${wamid} already belongs to ${row.describeKey(this.#rows.get(owner)!.key)}`, entry.entry.key);
    }
    const step = row.recordAccepted(entry.entry, sendId, wamid, at);
    if (step.ok) this.#acknowledged.add(sendId);
    return this.#commit(step);
  }

  recordNotSent(sendId: string, at: Instant, outcome: NotSentOutcome): EntryStep {
    const entry = this.#bySend(sendId);
    return entry.ok ? this.#commit(row.recordNotSent(entry.entry, sendId, at, outcome)) : entry;
  }

  recordMaybeSent(sendId: string, at: Instant): EntryStep {
    const entry = this.#bySend(sendId);
    return entry.ok ? this.#commit(row.recordMaybeSent(entry.entry, sendId, at)) : entry;
  }

  /** After a restart: every intent may have left before the process died, so it is maybe-sent. */
  recoverInFlight(at: Instant): SweepResult {
    row.checkInstant(at);
    return this.#sweep((e) => (e.state === 'intent' ? row.recordMaybeSent(e, e.sendId, at, 'recovery') : undefined));
  }

  expireMaybeSent(at: Instant, timeout: Duration): SweepResult {
    row.checkInstant(at);
    if (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout)) throw invalidArgument('expireMaybeSent timeout', `got ${describe(timeout)}, expected a duration in ms, like 7 days`);
    return this.#sweep((e) => (e.state === 'maybe-sent' && e.since + timeout <= at ? row.expireMaybeSent(e, at, timeout) : undefined));
  }

  skip(key: LedgerKey, reason: SkipReason, at: Instant, detail?: string): EntryStep {
    const entry = this.get(key);
    return entry ? this.#commit(row.skip(entry, reason, at, detail)) : refusal('unknown-key', `${row.describeKey(key)}: not in the ledger`, key);
  }

  giveUp(key: LedgerKey, at: Instant, failure: { reason: string; metaCode?: number; explanation: string }): EntryStep {
    const entry = this.get(key);
    return entry ? this.#commit(row.giveUp(entry, at, failure)) : refusal('unknown-key', `${row.describeKey(key)}: not in the ledger`, key);
  }

  /** A status webhook. The wamid decides the row when we know it; otherwise the echoed send id. */
  applyStatus(input: StatusInput): StatusOutcome {
    const report = parseStatusInput(input);
    const { wamid, sendId } = report;
    const id = (wamid !== undefined ? this.#byWamid.get(wamid) ?? this.#duplicateWamids.get(wamid) : undefined)
      ?? (sendId !== undefined ? this.#bySendId.get(sendId) : undefined);
    const before = id === undefined ? undefined : this.#rows.get(id);
    if (before === undefined) return { kind: 'orphan-status', ...ids(report), status: report.status, at: report.at };
    const step = row.applyStatus(before, report);
    if (!step.ok) throw new CoreError('WA_LEDGER_VIOLATION', `ledger index out of step: ${step.refusal.message}`, { refusal: step.refusal });
    if (sendId !== undefined && this.#bySendId.get(sendId) === id) this.#acknowledged.add(sendId);
    this.#commit(step);
    if (step.events.some((e) => e.kind === 'duplicate-send')) return { kind: 'duplicate-send', key: before.key, entry: step.entry, events: step.events };
    return { kind: 'applied', key: before.key, entry: step.entry, events: step.events, changed: step.entry !== before };
  }

  summary(campaignId?: string): LedgerSummary {
    const byState = Object.fromEntries(row.ENTRY_STATES.map((s) => [s, 0])) as Record<EntryState, number>;
    const byDelivery = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    const failures: Record<string, number> = {};
    const deliveryFailures: Record<string, number> = {};
    const skips: Record<string, number> = {};
    let attempts = 0;
    const rows = this.entries(campaignId);
    for (const e of rows) {
      byState[e.state] += 1;
      attempts += e.attempts;
      if (e.state === 'failed') failures[e.reason] = (failures[e.reason] ?? 0) + 1;
      if (e.state === 'skipped') skips[e.reason] = (skips[e.reason] ?? 0) + 1;
      if (e.state === 'accepted') {
        byDelivery[e.delivery.status] += 1;
        if (e.delivery.status === 'failed') {
          const code = e.delivery.errors[0]?.code;
          const k = code === undefined ? 'none' : String(code);
          deliveryFailures[k] = (deliveryFailures[k] ?? 0) + 1;
        }
      }
    }
    const duplicateSends = this.#duplicates.filter((d) => campaignId === undefined || d.key.campaignId === campaignId).length;
    return { total: rows.length, byState, byDelivery, failures, deliveryFailures, skips, attempts, duplicateSends };
  }

  /** Everything that must hold of the rows and indexes. Empty when the ledger is sound. */
  checkInvariants(): InvariantViolation[] {
    const out: InvariantViolation[] = [...this.#loadViolations];
    const v = (rule: InvariantRule, key: LedgerKey | undefined, problem: string): void => {
      out.push({ rule, ...(key ? { key } : {}), message: key ? `${row.describeKey(key)}: ${problem}` : problem });
    };
    const seenSendIds = new Map<string, string>();
    const wamidOwner = new Map<string, string>();
    for (const [id, e] of this.#rows) {
      if (row.keyId(e.key) !== id) v('single-row', e.key, 'is stored under another key');
      const wamid = (e as { wamid?: unknown }).wamid;
      if (typeof wamid === 'string') {
        if (e.state !== 'accepted') v('wamid-only-when-accepted', e.key, `carries ${wamid} while ${e.state}; a row with a message id is accepted for good`);
        if (wamidOwner.has(wamid)) v('one-accepted-send', e.key, `shares ${wamid} with another row`);
        wamidOwner.set(wamid, id);
        if (this.#byWamid.get(wamid) !== id) v('one-accepted-send', e.key, `${wamid} is not indexed to this row`);
      }
      if (e.attempts !== e.sendIds.length) v('attempts', e.key, `counts ${e.attempts} attempts but has ${e.sendIds.length} send ids`);
      if (e.state === 'pending' && e.sendIds.length > 0) v('attempts', e.key, 'is pending but has send ids');
      if (ACTIVE_SEND.has(e.state) && 'sendId' in e && e.sendIds[e.sendIds.length - 1] !== e.sendId) v('attempts', e.key, `current send ${e.sendId} is not its latest attempt`);
      if (e.state === 'accepted' && !e.sendIds.includes(e.sendId)) v('attempts', e.key, `accepted send ${e.sendId} is not one of its attempts`);
      for (const sendId of e.sendIds) {
        const other = seenSendIds.get(sendId);
        if (other !== undefined) v('unique-send-ids', e.key, other === id ? `uses send id ${sendId} twice` : `shares send id ${sendId} with another row`);
        seenSendIds.set(sendId, id);
        if (this.#bySendId.get(sendId) !== id) v('unique-send-ids', e.key, `send id ${sendId} is not indexed to this row`);
        if (this.#acknowledged.has(sendId) && e.state !== 'accepted') v('acknowledged-is-accepted', e.key, `Meta answered for send ${sendId} but the row is ${e.state}; it could be sent again`);
      }
    }
    for (const [wamid, id] of this.#byWamid) {
      if (wamidOwner.get(wamid) !== id) v('one-accepted-send', this.#rows.get(id)?.key, `index maps ${wamid} to a row that does not carry it`);
    }
    for (const [sendId, id] of this.#bySendId) {
      if (seenSendIds.get(sendId) !== id) v('unique-send-ids', this.#rows.get(id)?.key, `index maps send id ${sendId} to a row that did not use it`);
    }
    return out;
  }

  #bySend(sendId: string): { ok: true; entry: LedgerEntry } | { ok: false; refusal: Refusal } {
    row.checkSendId(sendId);
    const entry = this.findBySendId(sendId);
    return entry ? { ok: true, entry } : refusal('unknown-send-id', `send id ${sendId}: not issued by this ledger`);
  }

  #commit<S extends EntryStep>(step: S): S {
    if (!step.ok) return step;
    const id = row.keyId(step.entry.key);
    this.#rows.set(id, step.entry);
    for (const sendId of step.entry.sendIds) if (!this.#bySendId.has(sendId)) this.#bySendId.set(sendId, id);
    if (step.entry.state === 'accepted' && step.entry.wamid !== undefined && !this.#byWamid.has(step.entry.wamid)) this.#byWamid.set(step.entry.wamid, id);
    for (const e of step.events) {
      if (e.kind !== 'duplicate-send') continue;
      // Meta redelivers webhooks: the same stray message is counted once.
      const seen = this.#duplicates.some((d) => row.keyId(d.key) === id && ((e.wamid !== undefined && d.wamid === e.wamid) || (e.sendId !== undefined && d.sendId === e.sendId)));
      if (!seen) this.#duplicates.push({ key: e.key, at: e.at, ...ids(e) });
      if (e.wamid !== undefined && !this.#byWamid.has(e.wamid)) this.#duplicateWamids.set(e.wamid, id);
    }
    return step;
  }

  #sweep(f: (e: LedgerEntry) => EntryStep | undefined): SweepResult {
    const entries: LedgerEntry[] = [];
    const events: LedgerEvent[] = [];
    for (const e of [...this.#rows.values()]) {
      const step = f(e);
      if (!step?.ok) continue;
      this.#commit(step);
      entries.push(step.entry);
      events.push(...step.events);
    }
    return { entries, events };
  }
}

function refusal(reason: Refusal['reason'], message: string, key?: LedgerKey): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { reason, message, ...(key ? { key } : {}) } };
}

function ids(x: { wamid?: string; sendId?: string }): { wamid?: string; sendId?: string } {
  return { ...(x.wamid !== undefined ? { wamid: x.wamid } : {}), ...(x.sendId !== undefined ? { sendId: x.sendId } : {}) };
}

/** Webhook input comes from outside: check it before it touches a row. */
function parseStatusInput(input: StatusInput): StatusInput {
  if (input === null || typeof input !== 'object') throw invalidArgument('status', `got ${describe(input)}, expected { wamid?, sendId?, status, at, errors? }`);
  const { wamid, sendId, at, errors } = input;
  if (wamid !== undefined && (typeof wamid !== 'string' || wamid === '')) throw invalidArgument('status wamid', `got ${describe(wamid)}, expected a message id like "wamid.HBgM..."`);
  if (sendId !== undefined && (typeof sendId !== 'string' || sendId === '')) throw invalidArgument('status sendId', `got ${describe(sendId)}, expected the echoed biz_opaque_callback_data`);
  if (wamid === undefined && sendId === undefined) throw invalidArgument('status', 'has neither a wamid nor a send id; expected at least one');
  if (errors !== undefined && (!Array.isArray(errors) || errors.some((e) => typeof e?.code !== 'number'))) {
    throw invalidArgument('status errors', `got ${describe(errors)}, expected an array of { code: number, title?, details? }`);
  }
  return { ...ids(input), status: parseDeliveryStatus(input.status), at: row.checkInstant(at, 'status time'), ...(errors ? { errors } : {}) };
}
