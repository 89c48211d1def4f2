/**
 * The sandbox's view of the world: Meta's platform (numbers, limits, quality, templates) and the
 * recipients (the simulator's model; see model-world.ts). The HTTP layer checks the request and asks the world what Meta would do with it;
 * everything that happens afterwards (statuses, replies, STOPs, rating changes) comes back as
 * world events at their virtual instants, and the sandbox turns them into signed webhooks.
 *
 * The world runs on the simulation's virtual clock only: it reads no wall clock and no timers, so
 * the same seed and the same requests give the same events.
 */
import type { NumberStatus } from '../../core/phone-number.ts';
import type { QualityRating } from '../../core/quality.ts';
import type { TemplateCategory, TemplateStatus } from '../../core/template.ts';
import type { Instant } from '../../core/time.ts';
import type { TierName } from '../../core/tier.ts';

/** A send the HTTP layer has already validated (shape, recipient, template match). */
export interface WorldSend {
  readonly numberId: string;
  /** The recipient's `wa_id`: E.164 digits without the plus. */
  readonly waId: string;
  readonly type: 'template' | 'text';
  readonly template?: { readonly name: string; readonly language: string; readonly category: TemplateCategory };
  readonly callbackData?: string;
  /** A fault rule's failure: accept the send, then fail it with this code in a status webhook. */
  readonly failWith?: number;
}

export type WorldAnswer =
  | { readonly ok: true; readonly wamid: string; readonly held: boolean }
  | { readonly ok: false; readonly code: number; readonly details: string };

/** Meta's status-webhook error: code, title, details. */
export interface WorldError {
  readonly code: number;
  readonly title: string;
  readonly details: string;
}

/** Since 2025-07-01 Meta prices per delivered template (`PMP`); service replies are free. */
export interface Pricing {
  readonly billable: boolean;
  readonly pricing_model: 'PMP';
  readonly type: 'regular' | 'free_customer_service';
  readonly category: 'marketing' | 'utility' | 'authentication' | 'service';
}

export type MessageStatusName = 'sent' | 'delivered' | 'read' | 'failed';

export type WorldEvent =
  | {
    readonly kind: 'status'; readonly at: Instant; readonly numberId: string; readonly wamid: string; readonly waId: string;
    readonly status: MessageStatusName; readonly callbackData?: string; readonly pricing?: Pricing; readonly error?: WorldError;
  }
  | {
    readonly kind: 'inbound'; readonly at: Instant; readonly numberId: string; readonly waId: string; readonly profileName: string;
    readonly wamid: string; readonly text: string; readonly contextWamid?: string;
  }
  | {
    readonly kind: 'number-quality'; readonly at: Instant; readonly numberId: string;
    readonly event: 'FLAGGED' | 'UNFLAGGED' | 'UPGRADE' | 'DOWNGRADE'; readonly currentLimit: TierName; readonly oldLimit?: TierName;
  }
  | {
    readonly kind: 'template-status'; readonly at: Instant; readonly templateId: string; readonly name: string; readonly language: string;
    readonly category: TemplateCategory; readonly event: TemplateStatus; readonly reason: string; readonly disabledAt?: Instant;
  }
  | {
    readonly kind: 'template-quality'; readonly at: Instant; readonly templateId: string; readonly name: string; readonly language: string;
    readonly previous: QualityRating; readonly next: QualityRating;
  }
  | {
    readonly kind: 'account-update'; readonly at: Instant; readonly numberId?: string;
    readonly event: 'ACCOUNT_RESTRICTION' | 'ACCOUNT_VIOLATION' | 'DISABLED_UPDATE';
    readonly restrictions?: readonly { readonly type: string; readonly expiresAt: Instant }[];
    readonly violationType?: string;
    readonly banState?: string;
  };

export type WorldListener = (event: WorldEvent) => void;

/** What `GET /<PHONE_NUMBER_ID>` reports. */
export interface NumberSnapshot {
  readonly id: string;
  readonly display: string;
  readonly verifiedName: string;
  readonly status: NumberStatus;
  readonly quality: QualityRating;
  /** The number's own tier (meta-2023) or the portfolio's (meta-2025-10). */
  readonly tier: TierName;
  readonly throughputMps: number;
  /** Unique recipients used in the rolling window of the limit holder. */
  readonly used: number;
}

export interface SandboxWorld {
  numbers(): readonly NumberSnapshot[];
  number(id: string): NumberSnapshot | undefined;
  /** Decide a validated send at the simulation's current instant. */
  submit(send: WorldSend): WorldAnswer;
  /** A recipient writes to a number (an inbound text: a reply, a STOP). */
  inbound(numberId: string, waId: string, text: string): void;
  /** Force a number's quality rating (the next feedback may move it again). */
  driveQuality(numberId: string, quality: QualityRating): void;
  /** Force a number's status (BANNED, RESTRICTED, …): sends fail while it cannot initiate. */
  driveStatus(numberId: string, status: NumberStatus): void;
  subscribe(listener: WorldListener): void;
}
