/**
 * The store as the runner's ports, with the audit log kept on the way: every change of a
 * campaign's status (who, what, when, why) and every change a runner makes to a contact (an
 * opt-out, a suppression) is appended to `audit.jsonl` in the same write step that stores it.
 */
import type { Campaign, CampaignHistoryEntry } from '../../core/campaign.ts';
import type { ContactUpdate } from '../../core/campaign-runner.ts';
import type { CampaignStore } from '../../core/runner-ports.ts';
import type { Store } from '../store/store.ts';

const VERB: Readonly<Record<string, string>> = {
  'draft>scheduled': 'campaign-scheduled', 'draft>running': 'campaign-started', 'scheduled>running': 'campaign-started',
  'running>paused': 'campaign-paused', 'paused>running': 'campaign-resumed', 'running>completed': 'campaign-completed',
};

export function auditWhat(h: CampaignHistoryEntry): string {
  return VERB[`${h.from}>${h.to}`] ?? `campaign-${h.to}`;
}

/**
 * Saves campaigns and audits each history entry once. A start or a pause by a person carries no
 * `by` in the core record: while the service carries out a person's command it names them through
 * `actorOf`; a change with no one named is the runner's own (a safety pause, the end).
 */
export class AuditedCampaigns implements CampaignStore {
  readonly #audited = new Map<string, number>();

  constructor(private readonly store: Store, private readonly actorOf: (campaignId: string) => string | undefined) {}

  /** The history already in the store is not audited again. */
  known(campaign: Campaign): void {
    this.#audited.set(campaign.id, Math.max(this.#audited.get(campaign.id) ?? 0, campaign.history.length));
  }

  async saveCampaign(campaign: Campaign): Promise<void> {
    await this.store.campaigns.saveCampaign(campaign);
    const from = this.#audited.get(campaign.id) ?? 0;
    this.#audited.set(campaign.id, Math.max(from, campaign.history.length));
    for (const h of campaign.history.slice(from)) {
      const who = h.by ?? this.actorOf(campaign.id) ?? 'runner';
      await this.store.audit.append({
        at: h.at, who, what: auditWhat(h),
        details: { campaignId: campaign.id, from: h.from, to: h.to, ...(h.reason !== undefined ? { reason: h.reason } : {}), ...(h.detail !== undefined ? { detail: h.detail } : {}) },
      });
    }
  }
}

/** The runner's contact updates into the contact registry, one write per batch, each audited. */
export function contactsPort(store: Store): { apply(updates: readonly ContactUpdate[]): Promise<void> } {
  return {
    async apply(updates) {
      await store.contacts.apply(updates);
      for (const u of updates) {
        await store.audit.append({
          at: u.at, who: 'runner', what: u.change.kind === 'opt-out' ? 'contact-opted-out' : 'contact-suppressed',
          details: { waId: u.waId, ...(u.change.kind === 'opt-out' ? { text: u.change.text } : { reason: u.change.reason, ...(u.change.metaCode !== undefined ? { metaCode: u.change.metaCode } : {}) }) },
        });
      }
    },
  };
}
