/**
 * Puts one campaign on the road: its ledger rebuilt from the journal, its recipients from the
 * snapshot taken at start with their contact records, its numbers and the shared limit books, a
 * CampaignRunner over them, and `driveCampaign` on the wall clock and the store.
 */
import type { Campaign } from '../../core/campaign.ts';
import { CampaignLedger } from '../../core/campaign-ledger.ts';
import { CampaignRunner, type RunnerRecipient } from '../../core/campaign-runner.ts';
import { driveCampaign, type CampaignDriver } from '../../core/drive-campaign.ts';
import type { PhoneNumber } from '../../core/phone-number.ts';
import type { RunnerOptions } from '../../core/runner-options.ts';
import type { MessageSender, Notifier } from '../../core/runner-ports.ts';
import type { TemplateMessage } from '../../core/template-message.ts';
import type { Store } from '../store/store.ts';
import { contactsPort, type AuditedCampaigns } from './campaign-ports.ts';
import { isStatic, messageFor, type CampaignRun } from './campaign-run.ts';
import type { LimitBooks } from './limit-books.ts';
import type { ClockView } from './wall-clock.ts';

export interface Attached {
  readonly id: string;
  readonly runner: CampaignRunner;
  readonly ledger: CampaignLedger;
  readonly driver: CampaignDriver;
  readonly clock: ClockView;
  /** The numbers it sends from. */
  readonly numbers: readonly string[];
  readonly audience: number;
  /** True once the driver's loop ended (the runner stays, for late statuses). */
  ended: boolean;
}

export interface AttachContext {
  readonly store: Store;
  readonly sender: MessageSender;
  readonly notifier: Notifier;
  readonly campaigns: AuditedCampaigns;
  readonly books: LimitBooks;
  readonly runnerOptions: Partial<RunnerOptions>;
  readonly concurrency: number;
}

/** A ledger already read from the journal (at start-up, for the limit books) is used as is. */
export async function loadLedger(store: Store, id: string): Promise<CampaignLedger> {
  return CampaignLedger.fromEntries(await store.ledger.load(id));
}

export async function attach(ctx: AttachContext, campaign: Campaign, run: CampaignRun, clock: ClockView, ledger?: CampaignLedger): Promise<Attached> {
  const { store } = ctx;
  const numbers = (await Promise.all(campaign.from.map((id) => store.numbers.get(id)))).filter((n): n is PhoneNumber => n !== undefined);
  ctx.books.ensure(numbers, await store.numbers.listHolders(), clock.now());
  const book = ledger ?? (await loadLedger(store, campaign.id));
  const waIds = run.recipients ?? [];
  const contacts = await store.contacts.getMany(waIds);
  const recipients: RunnerRecipient[] = waIds.map((waId) => ({ waId, contact: contacts.get(waId) }));
  const shared: TemplateMessage | undefined = isStatic(run.components) ? messageFor(campaign.template, run.components, '', undefined) : undefined;
  const runner = new CampaignRunner({
    campaign, schedule: run.schedule, numbers, holders: ctx.books.holders, holderOf: ctx.books.holderOf, recipients, ledger: book,
    message: (waId) => shared ?? messageFor(campaign.template, run.components, waId, contacts.get(waId)),
    options: { ...ctx.runnerOptions, ...(run.options ?? {}) },
  });
  const driver = driveCampaign(runner, {
    clock, sender: ctx.sender, ledger: store.ledger, campaigns: ctx.campaigns, notifier: ctx.notifier, contacts: contactsPort(store), concurrency: ctx.concurrency,
  });
  return { id: campaign.id, runner, ledger: book, driver, clock, numbers: numbers.map((n) => n.id), audience: waIds.length, ended: false };
}
