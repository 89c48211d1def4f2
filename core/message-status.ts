/**
 * The lifecycle of one sent message. The send response means *accepted*, not delivered; then
 * status webhooks say sent → delivered → read, or failed (seed 000). Webhooks arrive twice and out
 * of order (Meta retries for up to 7 days), so a message's status only moves forward: merging is
 * a join on a total order, hence commutative, associative and idempotent, and the final status is
 * the same whatever order the webhooks came in.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
 */
import { notOneOf } from './errors.ts';
import type { Instant } from './time.ts';

/**
 * `held` is Meta's `held_for_quality_assessment` (template pacing). `failed` ranks above `sent`
 * (a failure report supersedes a sent report) but below `delivered` and `read`: once the phone
 * acknowledged the message, a stray failure report cannot un-deliver it.
 */
export const DELIVERY_STATUSES = ['accepted', 'held', 'sent', 'failed', 'delivered', 'read'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const RANK: Readonly<Record<DeliveryStatus, number>> = { accepted: 0, held: 1, sent: 2, failed: 3, delivered: 4, read: 5 };

export function statusRank(s: DeliveryStatus): number {
  return RANK[s];
}

/** Parse a webhook or send-response status (`held_for_quality_assessment` → `held`). */
export function parseDeliveryStatus(value: unknown): DeliveryStatus {
  if (value === 'held_for_quality_assessment') return 'held';
  if (typeof value === 'string' && value in RANK) return value as DeliveryStatus;
  throw notOneOf('WA_UNKNOWN_STATUS', 'message status', value, [...DELIVERY_STATUSES, 'held_for_quality_assessment']);
}

export interface StatusError {
  readonly code: number;
  readonly title?: string;
  readonly details?: string;
}

/** What we know of one message: the furthest status reached, and when each status was first seen. */
export interface MessageState {
  readonly status: DeliveryStatus;
  readonly seenAt: Readonly<Partial<Record<DeliveryStatus, Instant>>>;
  /** The errors of a `failed` report, kept only while `failed` is the status. */
  readonly errors: readonly StatusError[];
}

export interface StatusReport {
  readonly status: DeliveryStatus;
  readonly at: Instant;
  readonly errors?: readonly StatusError[];
}

export function initialMessageState(at: Instant, status: DeliveryStatus = 'accepted'): MessageState {
  return { status, seenAt: { [status]: at }, errors: [] };
}

/** True when every report after this one is a no-op (read is the top; nothing moves past it). */
export function isFinalStatus(s: DeliveryStatus): boolean {
  return s === 'read';
}

/**
 * Merge a status report into a message's state. Never moves backwards; a duplicate is a no-op
 * (the same object comes back, so callers can detect "nothing changed" by identity).
 */
export function mergeStatus(state: MessageState, report: StatusReport): MessageState {
  const earlier = state.seenAt[report.status];
  const seenAt = earlier === undefined || report.at < earlier ? { ...state.seenAt, [report.status]: report.at } : state.seenAt;
  const forward = RANK[report.status] > RANK[state.status];
  const status = forward ? report.status : state.status;
  let errors = state.errors;
  // Of several failure reports, the earliest one's errors are kept; reports at the same instant are
  // ranked by their errors, so the result is order-free.
  if (status === 'failed' && report.status === 'failed') {
    const incoming = report.errors ?? [];
    if (earlier === undefined || report.at < earlier || (report.at === earlier && compareErrors(incoming, errors) > 0)) errors = incoming;
  }
  if (status !== 'failed' && errors.length > 0) errors = [];
  if (seenAt === state.seenAt && status === state.status && errors === state.errors) return state;
  return { status, seenAt, errors };
}

/** A total order on error lists: any list beats none, then by content. */
function compareErrors(a: readonly StatusError[], b: readonly StatusError[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(a.length) - Math.sign(b.length);
  const key = (es: readonly StatusError[]) => JSON.stringify(es.map((e) => [e.code, e.title ?? null, e.details ?? null]));
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
