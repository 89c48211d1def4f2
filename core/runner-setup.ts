/**
 * What a campaign runner is given, and what each of its calls asks the shell to do.
 */
import type { Campaign } from './campaign.ts';
import type { CampaignLedger } from './campaign-ledger.ts';
import type { Contact, SuppressionReason } from './contact.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import type { LimitHolder } from './limit-holder.ts';
import type { PlanSchedule } from './pacing-plan.ts';
import type { PhoneNumber } from './phone-number.ts';
import type { RunnerOptions } from './runner-options.ts';
import type { Notice, SendRequest } from './runner-ports.ts';
import type { TemplateMessage } from './template-message.ts';
import type { Instant } from './time.ts';

export interface RunnerRecipient {
  readonly waId: string;
  /** The business's record: opt-in, opt-out, suppression, identity. Without one, nobody is sent to. */
  readonly contact: Contact | undefined;
}

export interface RunnerSetup {
  readonly campaign: Campaign;
  readonly schedule: PlanSchedule;
  /** The numbers the campaign may send from (its `from` pool). */
  readonly numbers: readonly PhoneNumber[];
  /** The limit holders' books, by holder id; shared by every campaign on the same holder. */
  readonly holders: ReadonlyMap<string, LimitHolder>;
  /** Which holder a number draws on: itself under meta-2023, its portfolio under meta-2025-10. */
  readonly holderOf: (numberId: string) => string;
  readonly recipients: readonly RunnerRecipient[];
  /** The sequence's message keys; one message by default. */
  readonly messageKeys?: readonly string[];
  /** The template message for one recipient and one step (personalised parameters). */
  readonly message: (waId: string, messageKey: string) => TemplateMessage;
  readonly ledger: CampaignLedger;
  readonly options?: Partial<RunnerOptions>;
}

export interface ContactUpdate {
  readonly waId: string;
  readonly at: Instant;
  readonly change: { readonly kind: 'suppress'; readonly reason: SuppressionReason; readonly metaCode?: number } | { readonly kind: 'opt-out'; readonly text: string };
}

export interface Effects {
  /** Ledger rows to make durable BEFORE the sends below leave. */
  readonly writes: LedgerEntry[];
  readonly sends: SendRequest[];
  readonly notices: Notice[];
  readonly contactUpdates: ContactUpdate[];
  /** The campaign, when it changed. */
  campaign?: Campaign;
  /** When to call `next` again (undefined: only when something happens). */
  wakeAt?: Instant;
}

export const emptyEffects = (): Effects => ({ writes: [], sends: [], notices: [], contactUpdates: [] });
