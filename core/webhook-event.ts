/**
 * What a WhatsApp Business Account webhook tells us, as core events. One delivery carries up to
 * 1,000 updates for one or several phone numbers; each becomes one event here, stamped with the
 * account (and number, where Meta says which) it came for.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
 *
 * Meta retries a delivery for up to 7 days until it gets a 200, and sometimes delivers the same
 * update twice anyway. Every event carries a `dedupeKey` that is the same for every copy of the
 * same update, so a consumer that remembers keys handles each update once.
 */
import type { DeliveryStatus, StatusError } from './message-status.ts';
import type { QualityRating } from './quality.ts';
import type { TemplateStatus } from './template.ts';
import type { TierName } from './tier.ts';
import type { Instant } from './time.ts';

export const WEBHOOK_EVENT_KINDS = [
  'status', 'message', 'user-changed-number', 'user-identity-changed',
  'number-quality', 'template-status', 'template-quality', 'account-update',
] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];

interface EventBase {
  /** Same for every copy of the same update: `status:<wamid>:<status>`, `message:<id>`, … */
  readonly dedupeKey: string;
  /** The WhatsApp Business Account id (`entry[].id`). */
  readonly wabaId: string;
  /** When Meta says it happened (the update's own timestamp, else the entry's time). */
  readonly at: Instant;
}

/** For updates of the `messages` field, which name the business number they concern. */
interface NumberScoped extends EventBase {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber?: string;
}

/** Pricing as Meta reports it on a status (`pricing_model` PMP since 2025-07-01, CBP before). */
export interface StatusPricing {
  readonly billable?: boolean;
  readonly category?: string;
  readonly type?: string;
  readonly pricingModel?: string;
}

export interface StatusEvent extends NumberScoped {
  readonly kind: 'status';
  readonly wamid: string;
  readonly status: DeliveryStatus;
  /** The recipient's WhatsApp id (digits, no "+"). */
  readonly recipientId: string;
  /** `biz_opaque_callback_data` echoed from the send: our send id. */
  readonly callbackData?: string;
  readonly pricing?: StatusPricing;
  readonly errors: readonly StatusError[];
}

export interface InboundMessageEvent extends NumberScoped {
  readonly kind: 'message';
  readonly messageId: string;
  /** The sender's WhatsApp id (digits, no "+"). */
  readonly from: string;
  readonly contactName?: string;
  /** Meta's message type: text, button, interactive, image, reaction, … */
  readonly type: string;
  /** The text a person can read: a text body, a tapped button's label, a list row's title. */
  readonly text?: string;
  /** A quick-reply button's payload, or the id of an interactive reply. */
  readonly payload?: string;
  /** The message this one replies to (`context.id`), e.g. one of our template sends. */
  readonly replyTo?: string;
  /** The whole text is an opt-out keyword (STOP, «إيقاف», …): opt the sender out at once. */
  readonly optOut: boolean;
}

export interface UserChangedNumberEvent extends NumberScoped {
  readonly kind: 'user-changed-number';
  readonly messageId: string;
  /** The old WhatsApp id. */
  readonly from: string;
  readonly newWaId: string;
  readonly body?: string;
}

export interface UserIdentityChangedEvent extends NumberScoped {
  readonly kind: 'user-identity-changed';
  readonly messageId: string;
  readonly from: string;
  /** The new identity key hash, when Meta includes it. */
  readonly identityHash?: string;
  readonly body?: string;
}

export interface NumberQualityEvent extends EventBase {
  readonly kind: 'number-quality';
  /** This webhook names the number by its display form only. */
  readonly displayPhoneNumber: string;
  /** FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, THROUGHPUT_UPGRADE, ONBOARDING, … as Meta sends it. */
  readonly event: string;
  /** From `max_daily_conversations_per_business` when given, else the older `current_limit`. */
  readonly currentLimit?: TierName;
  readonly oldLimit?: TierName;
}

export interface TemplateStatusEvent extends EventBase {
  readonly kind: 'template-status';
  readonly templateId?: string;
  readonly name?: string;
  readonly language?: string;
  /** Meta's event as sent: APPROVED, REJECTED, PAUSED, DISABLED, FLAGGED, REINSTATED, … */
  readonly event: string;
  /** The event as a template status, when it is one. */
  readonly status?: TemplateStatus;
  readonly reason?: string;
  /** For pauses: `other_info.title` (FIRST_PAUSE, SECOND_PAUSE) and its description. */
  readonly detail?: { readonly title?: string; readonly description?: string };
}

export interface TemplateQualityEvent extends EventBase {
  readonly kind: 'template-quality';
  readonly templateId?: string;
  readonly name?: string;
  readonly language?: string;
  readonly previousQuality?: QualityRating;
  readonly newQuality: QualityRating;
}

export interface AccountRestriction {
  /** e.g. RESTRICTED_BIZ_INITIATED_MESSAGING, RESTRICTED_CUSTOMER_INITIATED_MESSAGING, RESTRICTED_ADD_PHONE_NUMBER_ACTION. */
  readonly type: string;
  readonly expiresAt?: Instant;
}

export interface AccountUpdateEvent extends EventBase {
  readonly kind: 'account-update';
  /** ACCOUNT_VIOLATION, ACCOUNT_RESTRICTION, DISABLED_UPDATE, … as Meta sends it. */
  readonly event: string;
  readonly phoneNumber?: string;
  readonly violationType?: string;
  readonly restrictions: readonly AccountRestriction[];
  /** `ban_info.waba_ban_state`: SCHEDULE_FOR_DISABLE, DISABLE, REINSTATE. */
  readonly banState?: string;
  readonly banDate?: string;
}

export type WebhookEvent =
  | StatusEvent
  | InboundMessageEvent
  | UserChangedNumberEvent
  | UserIdentityChangedEvent
  | NumberQualityEvent
  | TemplateStatusEvent
  | TemplateQualityEvent
  | AccountUpdateEvent;

export interface ParsedWebhook {
  readonly events: WebhookEvent[];
  /** What was skipped and why, with its path (`entry[0].changes[1]: …`). Never thrown. */
  readonly problems: string[];
}
