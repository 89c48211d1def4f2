/**
 * The store the bot and the runner use, as a port: the runner sees `LedgerStore` and
 * `CampaignStore` (core/runner-ports.ts), the bot sees the rest. `openStore` returns the embedded
 * implementation (lowdb documents plus append-only journals in a data directory); another store
 * can take its place without touching the runner.
 *
 * Every method is async and every write resolves once it is on disk. Returned records are the
 * stored ones, typed read-only: change them through the core functions and save the result.
 */
import type { Campaign, CampaignStatus } from '../../core/campaign.ts';
import type { Contact, OptInSource, OptOutVia, SuppressionReason } from '../../core/contact.ts';
import type { LedgerEntry } from '../../core/ledger-entry.ts';
import type { PhoneNumber } from '../../core/phone-number.ts';
import type { QualityRating } from '../../core/quality.ts';
import type { CampaignStore, LedgerStore } from '../../core/runner-ports.ts';
import type { TemplateDefinition } from '../../core/template.ts';
import type { TierHolderState } from '../../core/tier-holder.ts';
import type { Instant } from '../../core/time.ts';

export { openStore, type OpenStoreOptions } from './lowdb-store.ts';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Something the store repaired or noticed on its own, reported as a value rather than thrown. */
export type StoreWarning =
  | { readonly kind: 'torn-tail'; readonly file: string; readonly offset: number; readonly bytes: number; readonly line?: number; readonly message: string }
  /** `line` is absent when the line was read from the end of the file. */
  | { readonly kind: 'bad-line'; readonly file: string; readonly line?: number; readonly message: string }
  | { readonly kind: 'stale-lock'; readonly file: string; readonly pid: number; readonly message: string };

export interface LedgerReplay {
  /** One row per key: the last one written. */
  readonly entries: readonly LedgerEntry[];
  /** Lines in the journal (rows ever written and not compacted away). */
  readonly lines: number;
  readonly bytes: number;
  readonly warnings: readonly StoreWarning[];
}

export interface CompactionResult {
  readonly compacted: boolean;
  readonly linesBefore: number;
  readonly linesAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

export interface LedgerJournal extends LedgerStore {
  /** `load`, with the journal's size and what was repaired on the way. */
  replay(campaignId: string): Promise<LedgerReplay>;
  /**
   * Rewrite the journal to one line per key when it holds at least `minRatio` (default 2) lines per
   * live row. Reads and rewrites the whole journal: run it between campaigns, never per send.
   */
  compact(campaignId: string, options?: { readonly minRatio?: number }): Promise<CompactionResult>;
  /** Campaign ids that have a journal. */
  campaignIds(): Promise<string[]>;
}

export interface CampaignRepository extends CampaignStore {
  get(id: string): Promise<Campaign | undefined>;
  list(filter?: { readonly status?: CampaignStatus }): Promise<Campaign[]>;
}

/** A limit holder's books at `savedAt`: the tier state, plus the usage window as the runner serialises it. */
export interface HolderSnapshot {
  readonly state: TierHolderState;
  readonly savedAt: Instant;
  readonly usage?: JsonValue;
}

export interface NumberRepository {
  get(id: string): Promise<PhoneNumber | undefined>;
  list(): Promise<PhoneNumber[]>;
  save(numbers: readonly PhoneNumber[]): Promise<void>;
  remove(id: string): Promise<boolean>;
  getHolder(holderId: string): Promise<HolderSnapshot | undefined>;
  listHolders(): Promise<HolderSnapshot[]>;
  saveHolders(snapshots: readonly HolderSnapshot[]): Promise<void>;
}

/** The templates Meta returned (`GET /<WABA_ID>/message_templates`), kept between restarts. */
export interface TemplateRepository {
  get(name: string, language: string): Promise<TemplateDefinition | undefined>;
  list(): Promise<TemplateDefinition[]>;
  /** Replace the cache with a fresh listing. */
  replaceAll(templates: readonly TemplateDefinition[], syncedAt: Instant): Promise<void>;
  save(templates: readonly TemplateDefinition[]): Promise<void>;
  syncedAt(): Promise<Instant | undefined>;
}

/**
 * One change to one contact, applied with core's rules (the latest opt-in and opt-out by time, a
 * suppression stands until lifted). The runner's contact updates have this shape.
 */
export interface ContactChange {
  readonly waId: string;
  readonly at: Instant;
  readonly change:
    | { readonly kind: 'opt-in'; readonly source: OptInSource; readonly evidence?: string }
    | { readonly kind: 'opt-out'; readonly via?: OptOutVia; readonly text?: string }
    | { readonly kind: 'suppress'; readonly reason: SuppressionReason; readonly metaCode?: number }
    | { readonly kind: 'lift-suppression' }
    | { readonly kind: 'identity-changed'; readonly newWaId?: string };
}

export interface ContactChangeReport {
  /** The records that changed, as stored now. */
  readonly changed: readonly Contact[];
  /** Contacts created to hold a change for a number that had no record (an opt-out from a stranger). */
  readonly created: number;
  /** Changes that needed an existing record and found none. */
  readonly unknown: readonly string[];
}

export interface ContactRepository {
  get(waId: string): Promise<Contact | undefined>;
  getMany(waIds: readonly string[]): Promise<Map<string, Contact>>;
  /** Insert or replace, one write for the whole batch. */
  upsert(contacts: readonly Contact[]): Promise<void>;
  /**
   * Read, change and write a batch in one step, so nothing else lands in between: `change` gets
   * each stored record (or undefined), in order, with the changes made earlier in the batch, and
   * returns the new one, or the same one (or undefined) to leave it. If it throws, nothing is
   * written. One write; returns the records that changed.
   */
  modify(waIds: readonly string[], change: (stored: Contact | undefined, waId: string, index: number) => Contact | undefined): Promise<Contact[]>;
  /** The audience's contacts in its order; undefined when there is no audience by that name. */
  listByAudience(audience: string): Promise<Contact[] | undefined>;
  /** Opt-outs, suppressions and the like, one write for the whole batch. */
  apply(changes: readonly ContactChange[]): Promise<ContactChangeReport>;
  count(): Promise<number>;
}

export interface Audience {
  readonly name: string;
  /** Members by WhatsApp id, in the order they were listed. */
  readonly waIds: readonly string[];
  /** Where the list came from, like "customers-2026-03.csv". */
  readonly source?: string;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

export interface AudienceRepository {
  get(name: string): Promise<Audience | undefined>;
  list(): Promise<Audience[]>;
  /** Create, or replace the members of, the audience of that name. */
  save(audience: { readonly name: string; readonly waIds: readonly string[]; readonly source?: string; readonly at: Instant }): Promise<Audience>;
  remove(name: string): Promise<boolean>;
}

export interface AuditEntry {
  readonly at: Instant;
  /** A Slack user id, "runner", "import"… */
  readonly who: string;
  /** What happened, like "campaign-resumed". */
  readonly what: string;
  readonly details?: { readonly [key: string]: JsonValue };
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** The latest entries, newest first. */
  recent(limit?: number): Promise<AuditEntry[]>;
}

export interface QualityChange {
  readonly at: Instant;
  readonly subject: 'number' | 'template';
  /** The phone number id, or the template name. */
  readonly id: string;
  /** The template's language. */
  readonly language?: string;
  readonly from?: QualityRating;
  readonly to: QualityRating;
  readonly detail?: string;
}

export interface QualityHistory {
  append(change: QualityChange): Promise<void>;
  /** Oldest first. */
  list(filter?: { readonly subject?: 'number' | 'template'; readonly id?: string; readonly since?: Instant }): Promise<QualityChange[]>;
}

export interface Store {
  readonly dataDir: string;
  readonly ledger: LedgerJournal;
  readonly campaigns: CampaignRepository;
  readonly numbers: NumberRepository;
  readonly templates: TemplateRepository;
  readonly contacts: ContactRepository;
  readonly audiences: AudienceRepository;
  readonly audit: AuditLog;
  readonly quality: QualityHistory;
  /** Finish pending writes, release the files and the directory lock. */
  close(): Promise<void>;
}
