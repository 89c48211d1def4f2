/**
 * What the world tells a running campaign, whatever the shell: the bot maps Cloud API webhooks
 * into these, the simulator maps its platform's events. The runner reacts to nothing else.
 */
import type { StatusError, DeliveryStatus } from './message-status.ts';
import type { NumberStatus } from './phone-number.ts';
import type { QualityRating } from './quality.ts';
import type { Instant } from './time.ts';
import type { TierName } from './tier.ts';

export type RunnerSignal =
  /** A status webhook: matched by wamid, or by the send id echoed in biz_opaque_callback_data. */
  | { readonly kind: 'status'; readonly at: Instant; readonly wamid?: string; readonly sendId?: string; readonly status: DeliveryStatus; readonly errors?: readonly StatusError[] }
  | { readonly kind: 'number-quality'; readonly at: Instant; readonly numberId: string; readonly quality: QualityRating }
  | { readonly kind: 'number-status'; readonly at: Instant; readonly numberId: string; readonly status: NumberStatus }
  | { readonly kind: 'number-tier'; readonly at: Instant; readonly numberId: string; readonly tier: TierName }
  | { readonly kind: 'template-status'; readonly at: Instant; readonly template: string; readonly status: 'APPROVED' | 'PAUSED' | 'DISABLED' | 'REJECTED' | string; readonly detail?: string }
  /** `account_update` with a restriction, a violation or a ban. */
  | { readonly kind: 'account-restriction'; readonly at: Instant; readonly detail: string }
  /** A message from a contact to one of our numbers (a reply, or a STOP). */
  | { readonly kind: 'inbound'; readonly at: Instant; readonly numberId: string; readonly from: string; readonly text: string; readonly optOut: boolean };
