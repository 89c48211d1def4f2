/**
 * The ports the campaign runner is written against. The bot plugs in the wall clock, the Cloud
 * API client, the lowdb store and Slack; the simulator plugs in its virtual clock, the simulated
 * platform, an in-memory store and a recorder. The runner cannot tell which, and that is the point:
 * a simulation is a prediction of what the bot will do.
 */
import type { Campaign } from './campaign.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import type { MetaErrorInfo } from './meta-error.ts';
import type { TemplateMessage } from './template-message.ts';
import type { Instant } from './time.ts';

/** Time, and waiting for it. `sleepUntil` resolves at (or after) `at`, or early when `wake()` is called. */
export interface RunnerClock {
  now(): Instant;
  sleepUntil(at: Instant): Promise<void>;
  /** Cut the current sleep short (a webhook arrived, a human pressed pause). */
  wake(): void;
}

export interface SendRequest {
  /** The ledger's send id: travels as `biz_opaque_callback_data`, so a status can find its send. */
  readonly sendId: string;
  readonly numberId: string;
  /** The recipient's WhatsApp id (digits, no "+"). */
  readonly to: string;
  readonly template: TemplateMessage;
}

/** What became of one send request: values, never throws, for every expected outcome. */
export type SendResult =
  | { readonly kind: 'accepted'; readonly wamid: string; readonly held: boolean }
  | { readonly kind: 'rejected'; readonly code: number; readonly info: MetaErrorInfo; readonly details?: string }
  /** Certainly not sent (connection refused, nothing written): safe to retry. */
  | { readonly kind: 'not-sent'; readonly reason: string }
  /** May have been sent (timeout or reset after the request was written): never resent blindly. */
  | { readonly kind: 'maybe-sent'; readonly reason: string };

export interface MessageSender {
  send(request: SendRequest): Promise<SendResult>;
}

/**
 * Durable ledger rows. `write` must not resolve before the rows would survive a crash: the runner
 * writes a send's intent before the request leaves, and its message id when it comes back. A write
 * costs O(rows written), never O(campaign size).
 */
export interface LedgerStore {
  write(rows: readonly LedgerEntry[]): Promise<void>;
  load(campaignId: string): Promise<readonly LedgerEntry[]>;
}

/** Campaign records (small: one document per campaign). */
export interface CampaignStore {
  saveCampaign(campaign: Campaign): Promise<void>;
}

export type Notice =
  | { readonly kind: 'campaign-paused'; readonly campaignId: string; readonly at: Instant; readonly reason: string; readonly detail: string }
  | { readonly kind: 'campaign-finished'; readonly campaignId: string; readonly at: Instant; readonly status: Campaign['status']; readonly summary: string }
  | { readonly kind: 'reply-routed'; readonly campaignId?: string; readonly at: Instant; readonly fromNumberId: string; readonly to: 'main'; readonly contact: string; readonly text: string }
  | { readonly kind: 'number-alert'; readonly at: Instant; readonly numberId: string; readonly what: string; readonly detail: string }
  | { readonly kind: 'template-alert'; readonly at: Instant; readonly template: string; readonly what: string; readonly detail: string }
  | { readonly kind: 'outcome-unknown'; readonly campaignId: string; readonly at: Instant; readonly contact: string; readonly sendId: string };

export interface Notifier {
  notify(notice: Notice): void | Promise<void>;
}
