/**
 * One recipient's row in one campaign for one message of its sequence, and the rules that make a
 * second send of that message impossible once it may have gone out (seed 000: "never send the same
 * message to the same person again once you have a message id").
 *
 *   pending ─beginSend─▶ intent ─response─▶ accepted (wamid; follows mergeStatus, never leaves)
 *                          │ ├─timeout/reset─▶ maybe-sent ─deadline─▶ unknown (never resent)
 *                          │ └─certainly not sent─▶ retry-wait ─due─▶ beginSend again
 *                          └─certainly not sent, final─▶ failed
 *   pending | retry-wait ─skip─▶ skipped        retry-wait ─giveUp─▶ failed
 *
 * Each attempt carries a fresh send id, written to the store (the `intent`) before the request
 * leaves and sent as `biz_opaque_callback_data`, which Meta echoes on the status webhooks: that is
 * how a send whose response was lost is matched later. Any evidence that Meta accepted one of the
 * row's sends (a response with a wamid, a status webhook naming the send id) moves the row to
 * `accepted`, from whatever state, for good.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
import { describe, invalidArgument, notOneOf } from './errors.ts';
import { initialMessageState, mergeStatus, type DeliveryStatus, type MessageState, type StatusError } from './message-status.ts';
import type { Duration, Instant } from './time.ts';

export interface LedgerKey {
  readonly campaignId: string;
  readonly waId: string;
  /** Which message of the campaign's sequence, e.g. "m1". */
  readonly messageKey: string;
}

export const ENTRY_STATES = ['pending', 'intent', 'accepted', 'maybe-sent', 'retry-wait', 'failed', 'skipped', 'unknown'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

export const SKIP_REASONS = [
  'no-opt-in', 'opted-out', 'suppressed', 'identity-unacknowledged', 'duplicate-recipient', 'not-on-whatsapp',
  'invalid-number', 'frequency-cap', 'sequence-broken', 'manual',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

interface Row {
  readonly key: LedgerKey;
  /** Every send id this row used, oldest first. */
  readonly sendIds: readonly string[];
  readonly attempts: number;
  readonly updatedAt: Instant;
}
/** `notBefore`: a follow-up (e.g. after a 131049 frequency cap) that may not go out before this instant. */
export interface PendingEntry extends Row { readonly state: 'pending'; readonly notBefore?: Instant }
export interface IntentEntry extends Row { readonly state: 'intent'; readonly sendId: string; readonly intentAt: Instant }
export interface AcceptedEntry extends Row {
  readonly state: 'accepted';
  /** The accepted send; not always the latest attempt when a status reconciled an older one. */
  readonly sendId: string;
  /** Undefined only while the acceptance is known from a status that named the send id alone. */
  readonly wamid?: string;
  readonly acceptedAt: Instant;
  readonly delivery: MessageState;
}
export interface MaybeSentEntry extends Row { readonly state: 'maybe-sent'; readonly sendId: string; readonly since: Instant }
export interface RetryWaitEntry extends Row {
  readonly state: 'retry-wait';
  readonly sendId: string;
  readonly retryAt: Instant;
  readonly lastError: { readonly reason: string; readonly metaCode?: number };
}
export interface FailedEntry extends Row { readonly state: 'failed'; readonly reason: string; readonly metaCode?: number; readonly explanation: string }
export interface SkippedEntry extends Row { readonly state: 'skipped'; readonly reason: SkipReason; readonly detail?: string }
export interface UnknownEntry extends Row { readonly state: 'unknown'; readonly sendId: string; readonly since: Instant; readonly expiredAt: Instant }
export type LedgerEntry = PendingEntry | IntentEntry | AcceptedEntry | MaybeSentEntry | RetryWaitEntry | FailedEntry | SkippedEntry | UnknownEntry;

/** How a send that certainly did not go out ends: wait and retry, or fail for good. */
export type NotSentOutcome =
  | { readonly kind: 'retry'; readonly retryAt: Instant; readonly reason: string; readonly metaCode?: number }
  | { readonly kind: 'final'; readonly reason: string; readonly metaCode?: number; readonly explanation: string };

export interface StatusInput {
  readonly wamid?: string;
  /** `biz_opaque_callback_data` echoed back. */
  readonly sendId?: string;
  readonly status: DeliveryStatus;
  readonly at: Instant;
  readonly errors?: readonly StatusError[];
}

export type LedgerEvent =
  | { readonly kind: 'send-begun'; readonly key: LedgerKey; readonly at: Instant; readonly sendId: string; readonly attempt: number }
  /** `from` other than intent/maybe-sent/unknown, or `superseded`, means an earlier "not sent" was wrong. */
  | { readonly kind: 'accepted'; readonly key: LedgerKey; readonly at: Instant; readonly sendId: string; readonly wamid?: string; readonly via: 'response' | 'status'; readonly from: EntryState; readonly superseded: boolean }
  | { readonly kind: 'wamid-learned'; readonly key: LedgerKey; readonly at: Instant; readonly sendId: string; readonly wamid: string }
  | { readonly kind: 'retry-scheduled'; readonly key: LedgerKey; readonly at: Instant; readonly sendId: string; readonly retryAt: Instant; readonly reason: string; readonly metaCode?: number }
  | { readonly kind: 'failed'; readonly key: LedgerKey; readonly at: Instant; readonly reason: string; readonly metaCode?: number; readonly explanation: string }
  | { readonly kind: 'maybe-sent'; readonly key: LedgerKey; readonly at: Instant; readonly sendId: string; readonly cause: 'timeout' | 'recovery' }
  | { readonly kind: 'outcome-unknown'; readonly key: LedgerKey; readonly at: Instant; readonly sendId: string; readonly since: Instant }
  | { readonly kind: 'skipped'; readonly key: LedgerKey; readonly at: Instant; readonly reason: SkipReason }
  | { readonly kind: 'delivery-changed'; readonly key: LedgerKey; readonly at: Instant; readonly wamid?: string; readonly from: DeliveryStatus; readonly to: DeliveryStatus; readonly errors: readonly StatusError[] }
  /** Meta reports a second message for a row that already has an accepted one. */
  | { readonly kind: 'duplicate-send'; readonly key: LedgerKey; readonly at: Instant; readonly sendId?: string; readonly wamid?: string };

export type RefusalReason =
  | 'has-message-id' | 'in-flight' | 'maybe-sent' | 'outcome-unknown' | 'final' | 'retry-not-due' | 'not-in-flight'
  | 'not-this-send' | 'send-id-reused' | 'wamid-conflict' | 'not-due' | 'unknown-key' | 'unknown-send-id' | 'duplicate-key';

export interface Refusal { readonly reason: RefusalReason; readonly message: string; readonly key?: LedgerKey }

export type EntryStep =
  | { readonly ok: true; readonly entry: LedgerEntry; readonly events: readonly LedgerEvent[] }
  | { readonly ok: false; readonly refusal: Refusal };

/** biz_opaque_callback_data holds at most 512 characters, and the send id travels in it. */
export const MAX_SEND_ID_LENGTH = 512;

export function parseLedgerKey(value: unknown): LedgerKey {
  if (value === null || typeof value !== 'object') throw invalidArgument('ledger key', `got ${describe(value)}, expected { campaignId, waId, messageKey }`);
  const { campaignId, waId, messageKey } = value as Record<string, unknown>;
  if (typeof campaignId !== 'string' || campaignId === '') throw invalidArgument('ledger key campaignId', `got ${describe(campaignId)}, expected a campaign id`);
  if (typeof waId !== 'string' || !/^\d{5,15}$/.test(waId)) throw invalidArgument('ledger key waId', `got ${describe(waId)}, expected a WhatsApp id: 5-15 digits, no "+", like "9665XXXXXXXX"`);
  if (typeof messageKey !== 'string' || messageKey === '') throw invalidArgument('ledger key messageKey', `got ${describe(messageKey)}, expected the message's key in the sequence, like "m1"`);
  return { campaignId, waId, messageKey };
}

/** A string that identifies the key unambiguously, for maps and store rows. */
export function keyId(key: LedgerKey): string {
  return JSON.stringify([key.campaignId, key.waId, key.messageKey]);
}

export function describeKey(key: LedgerKey): string {
  return `campaign ${key.campaignId}, recipient ${key.waId}, message ${key.messageKey}`;
}

export function checkSendId(sendId: unknown): string {
  if (typeof sendId !== 'string' || sendId === '' || sendId.length > MAX_SEND_ID_LENGTH) {
    throw invalidArgument('send id', `got ${describe(sendId)}, expected a non-empty string of at most ${MAX_SEND_ID_LENGTH} characters (it travels in biz_opaque_callback_data)`);
  }
  return sendId;
}

export function checkInstant(at: unknown, what = 'time'): Instant {
  if (typeof at !== 'number' || !Number.isFinite(at)) throw invalidArgument(what, `got ${describe(at)}, expected an instant (epoch ms)`);
  return at;
}

function checkReason(reason: unknown, what: string): void {
  if (typeof reason !== 'string' || reason.trim() === '') throw invalidArgument(what, `got ${describe(reason)}, expected a non-empty reason, like "throttled"`);
}

export function createEntry(key: LedgerKey, at: Instant, notBefore?: Instant): PendingEntry {
  const entry: PendingEntry = { key: parseLedgerKey(key), state: 'pending', sendIds: [], attempts: 0, updatedAt: checkInstant(at) };
  return notBefore === undefined ? entry : { ...entry, notBefore: checkInstant(notBefore) };
}

/** True once Meta holds, or may hold, this message: from then on the row is never sent again. */
export function hasMessageId(entry: LedgerEntry): boolean {
  return entry.state === 'accepted' || typeof (entry as { wamid?: unknown }).wamid === 'string';
}

function refuse(reason: RefusalReason, entry: LedgerEntry, problem: string): EntryStep {
  return { ok: false, refusal: { reason, key: entry.key, message: `${describeKey(entry.key)}: ${problem}` } };
}

/** Why `beginSend` would be refused now, or undefined when it is allowed. */
export function sendBlocker(entry: LedgerEntry, at: Instant): Refusal | undefined {
  const r = sendBlockerStep(entry, at);
  return r && !r.ok ? r.refusal : undefined;
}

function sendBlockerStep(entry: LedgerEntry, at: Instant, verb = 'send'): EntryStep | undefined {
  if (hasMessageId(entry)) return refuse('has-message-id', entry, `cannot ${verb}: Meta accepted this message already; it is never sent twice`);
  switch (entry.state) {
    case 'pending': return entry.notBefore === undefined || entry.notBefore <= at ? undefined : refuse('not-due', entry, `cannot ${verb}: not before ${entry.notBefore}, it is ${at}`);
    case 'retry-wait': return entry.retryAt <= at ? undefined : refuse('retry-not-due', entry, `cannot ${verb}: the retry is due at ${entry.retryAt}, it is ${at}`);
    case 'intent': return refuse('in-flight', entry, `cannot ${verb}: send ${entry.sendId} is in flight`);
    case 'maybe-sent': return refuse('maybe-sent', entry, `cannot ${verb}: send ${entry.sendId} may have gone out; it waits for a status webhook`);
    case 'unknown': return refuse('outcome-unknown', entry, `cannot ${verb}: send ${entry.sendId} may have gone out (outcome unknown); it is never resent`);
    default: return refuse('final', entry, `cannot ${verb}: the row is ${entry.state}`);
  }
}

export function canBeginSend(entry: LedgerEntry, at: Instant): boolean {
  return sendBlockerStep(entry, at) === undefined;
}

export function beginSend(entry: LedgerEntry, sendId: string, at: Instant): EntryStep {
  checkSendId(sendId);
  checkInstant(at);
  const blocked = sendBlockerStep(entry, at);
  if (blocked) return blocked;
  if (entry.sendIds.includes(sendId)) return refuse('send-id-reused', entry, `send id ${sendId} was used before; expected a fresh one per attempt`);
  const attempt = entry.attempts + 1;
  const next: IntentEntry = { key: entry.key, state: 'intent', sendId, intentAt: at, sendIds: [...entry.sendIds, sendId], attempts: attempt, updatedAt: at };
  return { ok: true, entry: next, events: [{ kind: 'send-begun', key: entry.key, at, sendId, attempt }] };
}

function adopt(entry: LedgerEntry, sendId: string, wamid: string | undefined, at: Instant, via: 'response' | 'status'): { entry: AcceptedEntry; event: LedgerEvent } {
  const superseded = entry.sendIds[entry.sendIds.length - 1] !== sendId;
  const next: AcceptedEntry = {
    key: entry.key, state: 'accepted', sendId, ...(wamid !== undefined ? { wamid } : {}), acceptedAt: at,
    delivery: initialMessageState(at), sendIds: entry.sendIds, attempts: entry.attempts, updatedAt: Math.max(entry.updatedAt, at),
  };
  return { entry: next, event: { kind: 'accepted', key: entry.key, at, sendId, ...(wamid !== undefined ? { wamid } : {}), via, from: entry.state, superseded } };
}

/** The send response carried a wamid. */
export function recordAccepted(entry: LedgerEntry, sendId: string, wamid: string, at: Instant): EntryStep {
  checkSendId(sendId);
  checkInstant(at);
  if (typeof wamid !== 'string' || wamid === '') throw invalidArgument('wamid', `got ${describe(wamid)}, expected the message id from the send response, like "wamid.HBgM..."`);
  if (!entry.sendIds.includes(sendId)) return refuse('not-this-send', entry, `send ${sendId} does not belong to this row`);
  if (entry.state !== 'accepted') {
    const { entry: next, event } = adopt(entry, sendId, wamid, at, 'response');
    return { ok: true, entry: next, events: [event] };
  }
  if (entry.sendId !== sendId) return { ok: true, entry, events: [{ kind: 'duplicate-send', key: entry.key, at, sendId, wamid }] };
  if (entry.wamid === wamid) return { ok: true, entry, events: [] };
  if (entry.wamid !== undefined) return refuse('wamid-conflict', entry, `send ${sendId} is recorded with ${entry.wamid}, got ${wamid}`);
  return { ok: true, entry: { ...entry, wamid, updatedAt: Math.max(entry.updatedAt, at) }, events: [{ kind: 'wamid-learned', key: entry.key, at, sendId, wamid }] };
}

function inFlight(entry: LedgerEntry, sendId: string): entry is IntentEntry {
  return entry.state === 'intent' && entry.sendId === sendId;
}

/** The request certainly did not reach Meta, or Meta refused it with an error response. */
export function recordNotSent(entry: LedgerEntry, sendId: string, at: Instant, outcome: NotSentOutcome): EntryStep {
  checkSendId(sendId);
  checkInstant(at);
  if (!inFlight(entry, sendId)) return refuse('not-in-flight', entry, `send ${sendId} is not in flight (the row is ${entry.state}); only an in-flight send can be declared not sent`);
  checkReason(outcome?.reason, 'not-sent reason');
  const base = { key: entry.key, sendIds: entry.sendIds, attempts: entry.attempts, updatedAt: at };
  const code = outcome.metaCode !== undefined ? { metaCode: outcome.metaCode } : {};
  if (outcome.kind === 'retry') {
    checkInstant(outcome.retryAt, 'retryAt');
    const next: RetryWaitEntry = { ...base, state: 'retry-wait', sendId, retryAt: outcome.retryAt, lastError: { reason: outcome.reason, ...code } };
    return { ok: true, entry: next, events: [{ kind: 'retry-scheduled', key: entry.key, at, sendId, retryAt: outcome.retryAt, reason: outcome.reason, ...code }] };
  }
  if (outcome.kind !== 'final') throw notOneOf('WA_INVALID_ARGUMENT', 'not-sent outcome kind', (outcome as { kind?: unknown }).kind, ['retry', 'final']);
  const next: FailedEntry = { ...base, state: 'failed', reason: outcome.reason, ...code, explanation: outcome.explanation };
  return { ok: true, entry: next, events: [{ kind: 'failed', key: entry.key, at, reason: outcome.reason, ...code, explanation: outcome.explanation }] };
}

/**
 * The request may have reached Meta (a timeout or reset after it was written, or a restart that
 * found the intent with no answer): wait for a status webhook naming the send id.
 */
export function recordMaybeSent(entry: LedgerEntry, sendId: string, at: Instant, cause: 'timeout' | 'recovery' = 'timeout'): EntryStep {
  checkSendId(sendId);
  checkInstant(at);
  if (!inFlight(entry, sendId)) return refuse('not-in-flight', entry, `send ${sendId} is not in flight (the row is ${entry.state})`);
  const next: MaybeSentEntry = { key: entry.key, state: 'maybe-sent', sendId, since: at, sendIds: entry.sendIds, attempts: entry.attempts, updatedAt: at };
  return { ok: true, entry: next, events: [{ kind: 'maybe-sent', key: entry.key, at, sendId, cause }] };
}

/** A maybe-sent row whose webhook did not come within `timeout` is reported unknown, never resent. */
export function expireMaybeSent(entry: LedgerEntry, at: Instant, timeout: Duration): EntryStep {
  if (entry.state !== 'maybe-sent') return refuse('not-due', entry, `only a maybe-sent row expires; the row is ${entry.state}`);
  if (entry.since + timeout > at) return refuse('not-due', entry, `the wait for send ${entry.sendId} ends at ${entry.since + timeout}, it is ${at}`);
  const next: UnknownEntry = { key: entry.key, state: 'unknown', sendId: entry.sendId, since: entry.since, expiredAt: at, sendIds: entry.sendIds, attempts: entry.attempts, updatedAt: at };
  return { ok: true, entry: next, events: [{ kind: 'outcome-unknown', key: entry.key, at, sendId: entry.sendId, since: entry.since }] };
}

/** Decide not to send (no opt-in, opted out while waiting for a retry, ...). */
export function skip(entry: LedgerEntry, reason: SkipReason, at: Instant, detail?: string): EntryStep {
  if (!(SKIP_REASONS as readonly string[]).includes(reason)) throw notOneOf('WA_INVALID_ARGUMENT', 'skip reason', reason, SKIP_REASONS);
  checkInstant(at);
  // A retry-wait row may be skipped before its retry is due (e.g. the user opted out meanwhile).
  const blocked = sendBlockerStep(entry, Infinity, 'skip');
  if (blocked) return blocked;
  const next: SkippedEntry = { key: entry.key, state: 'skipped', reason, ...(detail !== undefined ? { detail } : {}), sendIds: entry.sendIds, attempts: entry.attempts, updatedAt: at };
  return { ok: true, entry: next, events: [{ kind: 'skipped', key: entry.key, at, reason }] };
}

/** Stop retrying a row that is waiting for a retry (attempts or retry period exhausted). */
export function giveUp(entry: LedgerEntry, at: Instant, failure: { reason: string; metaCode?: number; explanation: string }): EntryStep {
  checkInstant(at);
  checkReason(failure?.reason, 'give-up reason');
  const blocked = sendBlockerStep(entry, Infinity, 'give up');
  if (blocked) return blocked;
  if (entry.state !== 'retry-wait') return refuse('final', entry, 'cannot give up on a pending row (skip it instead); only on a retry-wait row');
  const code = failure.metaCode !== undefined ? { metaCode: failure.metaCode } : {};
  const next: FailedEntry = { key: entry.key, state: 'failed', reason: failure.reason, ...code, explanation: failure.explanation, sendIds: entry.sendIds, attempts: entry.attempts, updatedAt: at };
  return { ok: true, entry: next, events: [{ kind: 'failed', key: entry.key, at, reason: failure.reason, ...code, explanation: failure.explanation }] };
}

/**
 * A status webhook for this row. On an accepted row it merges into the delivery state (duplicates
 * and late arrivals are no-ops; a final `failed` records its errors, and the row stays accepted).
 * On any other row it is proof that Meta accepted the named send: the row becomes accepted.
 */
export function applyStatus(entry: LedgerEntry, report: StatusInput): EntryStep {
  checkInstant(report.at, 'status time');
  if (entry.state === 'accepted') {
    const sameMessage = report.wamid !== undefined
      ? report.wamid === entry.wamid || (entry.wamid === undefined && report.sendId === entry.sendId)
      : report.sendId === entry.sendId;
    if (!sameMessage) {
      const ids = { ...(report.sendId !== undefined ? { sendId: report.sendId } : {}), ...(report.wamid !== undefined ? { wamid: report.wamid } : {}) };
      return { ok: true, entry, events: [{ kind: 'duplicate-send', key: entry.key, at: report.at, ...ids }] };
    }
    return mergeInto(entry, report, []);
  }
  if (report.sendId === undefined || !entry.sendIds.includes(report.sendId)) {
    return refuse('not-this-send', entry, `a status for ${report.sendId ?? report.wamid ?? 'no id'} does not name one of this row's sends`);
  }
  const { entry: accepted, event } = adopt(entry, report.sendId, report.wamid, report.at, 'status');
  return mergeInto(accepted, report, [event]);
}

function mergeInto(entry: AcceptedEntry, report: StatusInput, events: LedgerEvent[]): EntryStep {
  let next: AcceptedEntry = entry;
  if (entry.wamid === undefined && report.wamid !== undefined) {
    next = { ...next, wamid: report.wamid, updatedAt: Math.max(entry.updatedAt, report.at) };
    if (events.length === 0) events.push({ kind: 'wamid-learned', key: entry.key, at: report.at, sendId: entry.sendId, wamid: report.wamid });
  }
  const delivery = mergeStatus(entry.delivery, report);
  if (delivery !== entry.delivery) {
    next = { ...next, delivery, updatedAt: Math.max(next.updatedAt, report.at) };
    if (delivery.status !== entry.delivery.status) {
      events.push({ kind: 'delivery-changed', key: entry.key, at: report.at, ...(next.wamid !== undefined ? { wamid: next.wamid } : {}), from: entry.delivery.status, to: delivery.status, errors: delivery.errors });
    }
  }
  return { ok: true, entry: next, events };
}
