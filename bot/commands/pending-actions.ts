/**
 * Actions waiting for a button (or a typed `confirm`): a previewed campaign start, a stop, a start
 * waiting for a second person's approval. They live in memory and expire: a preflight is a
 * snapshot, and confirming one from yesterday would start a campaign on yesterday's numbers.
 */
import { randomUUID } from 'node:crypto';
import { MINUTE, type Instant } from '../../core/time.ts';
import type { StartRequest } from './ports.ts';

export type PendingAction =
  | {
    readonly kind: 'start';
    readonly request: StartRequest;
    /** One line saying what will be sent, for the approval request and the audit log. */
    readonly summary: string;
    /** Why a second person must approve (empty: the requester's confirmation is enough). */
    readonly approvalReasons: readonly string[];
    readonly eligible: number;
  }
  | { readonly kind: 'stop'; readonly campaignId: string; readonly reason: string; readonly summary: string };

export interface Pending {
  readonly id: string;
  readonly action: PendingAction;
  readonly requestedBy: string;
  readonly channel?: string;
  readonly createdAt: Instant;
  /** `confirm`: waiting for the requester; `approve`: waiting for a second authorised person. */
  stage: 'confirm' | 'approve';
}

/** Long enough to read a preflight and ask a colleague, short enough that it stays true. */
export const PENDING_TTL = 30 * MINUTE;

/**
 * Expiry runs on real time, not the campaign clock: a time-lapse demo at a day per second must
 * still give a person time to read the preflight.
 */
export class PendingActions {
  readonly #items = new Map<string, Pending>();

  constructor(private readonly ttl = PENDING_TTL, private readonly now: () => Instant = Date.now) {}

  create(action: PendingAction, requestedBy: string, channel?: string): Pending {
    const at = this.#sweep();
    const pending: Pending = { id: randomUUID().slice(0, 13), action, requestedBy, createdAt: at, stage: 'confirm', ...(channel !== undefined && { channel }) };
    this.#items.set(pending.id, pending);
    return pending;
  }

  get(id: string): Pending | undefined {
    this.#sweep();
    return this.#items.get(id);
  }

  /** The newest action this person may confirm, or any waiting for approval (the console's typed `confirm`). */
  latest(user: string): Pending | undefined {
    this.#sweep();
    const mine = [...this.#items.values()].filter((p) => (p.stage === 'confirm' && p.requestedBy === user) || (p.stage === 'approve' && p.requestedBy !== user));
    return mine.at(-1);
  }

  delete(id: string): boolean {
    return this.#items.delete(id);
  }

  #sweep(): Instant {
    const at = this.now();
    for (const [id, p] of this.#items) if (at - p.createdAt > this.ttl) this.#items.delete(id);
    return at;
  }
}
