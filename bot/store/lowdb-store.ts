/**
 * The embedded store: a data directory, nothing to install or start.
 *
 *   <dataDir>/store.lock            the process holding the directory
 *   <dataDir>/ledger/<id>.jsonl     per-campaign ledger journal (append-only, fsync per write)
 *   <dataDir>/audit.jsonl           audit log (append-only)
 *   <dataDir>/quality.jsonl         quality history (append-only)
 *   <dataDir>/campaigns.json        lowdb documents, rewritten whole on each write
 *   <dataDir>/numbers.json            (small, pretty-printed for people to read)
 *   <dataDir>/templates.json
 *   <dataDir>/contacts.json           (large, compact: one write per batch or import)
 *   <dataDir>/audiences.json
 *
 * Everything that grows with sends is a journal; the lowdb documents change at human pace.
 */
import { join } from 'node:path';
import { CAMPAIGN_ID_RE, type Campaign, type CampaignStatus } from '../../core/campaign.ts';
import { describe, invalidArgument } from '../../core/errors.ts';
import type { PhoneNumber } from '../../core/phone-number.ts';
import type { TemplateDefinition } from '../../core/template.ts';
import type { Instant } from '../../core/time.ts';
import { AppendLog, tornWarning } from './append-log.ts';
import { LowdbAudiences, LowdbContacts } from './contact-book.ts';
import { lockDataDir, prepareDataDir, type DataDirLock } from './data-dir.ts';
import {
  emptyAudiences, emptyCampaigns, emptyContacts, emptyNumbers, emptyTemplates, shapeCheck,
  type AudiencesFile, type CampaignsFile, type ContactsFile, type NumbersFile, type TemplatesFile,
} from './documents.ts';
import { JsonlAuditLog, JsonlQualityHistory } from './event-logs.ts';
import { openDocument, type Document } from './json-document.ts';
import { JsonlLedger } from './ledger-journal.ts';
import { closed } from './store-error.ts';
import type { CampaignRepository, HolderSnapshot, NumberRepository, Store, StoreWarning, TemplateRepository } from './store.ts';

export interface OpenStoreOptions {
  /** Default `./data`. */
  readonly dataDir?: string;
  /** Repairs and oddities the store handled on its own (a torn journal line, a stale lock): log them. */
  readonly onWarning?: (warning: StoreWarning) => void;
  /** Take the directory lock (default true). */
  readonly lock?: boolean;
}

export const DEFAULT_DATA_DIR = './data';

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  if (typeof dataDir !== 'string' || dataDir.trim() === '') throw invalidArgument('openStore dataDir', `got ${describe(dataDir)}, expected a directory path like "./data"`);
  const warn = options.onWarning ?? (() => undefined);
  await prepareDataDir(dataDir);
  const lock = options.lock === false ? undefined : await lockDataDir(dataDir);
  lock?.warnings.forEach(warn);
  try {
    const [campaigns, numbers, templates, contacts, audiences] = await Promise.all([
      openDocument(dataDir, 'campaigns.json', emptyCampaigns(), shapeCheck('campaigns'), { pretty: true }),
      openDocument(dataDir, 'numbers.json', emptyNumbers(), shapeCheck('numbers', 'holders'), { pretty: true }),
      openDocument(dataDir, 'templates.json', emptyTemplates(), shapeCheck('templates'), { pretty: true }),
      openDocument(dataDir, 'contacts.json', emptyContacts(), shapeCheck('contacts')),
      openDocument(dataDir, 'audiences.json', emptyAudiences(), shapeCheck('audiences')),
    ]);
    return new LowdbStore(dataDir, warn, lock, { campaigns, numbers, templates, contacts, audiences });
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

interface Documents {
  readonly campaigns: Document<CampaignsFile>;
  readonly numbers: Document<NumbersFile>;
  readonly templates: Document<TemplatesFile>;
  readonly contacts: Document<ContactsFile>;
  readonly audiences: Document<AudiencesFile>;
}

class LowdbStore implements Store {
  readonly ledger: JsonlLedger;
  readonly campaigns: CampaignRepository;
  readonly numbers: NumberRepository;
  readonly templates: TemplateRepository;
  readonly contacts: LowdbContacts;
  readonly audiences: LowdbAudiences;
  readonly audit: JsonlAuditLog;
  readonly quality: JsonlQualityHistory;
  readonly #logs: AppendLog[];
  #closed = false;

  constructor(readonly dataDir: string, warn: (w: StoreWarning) => void, private readonly lock: DataDirLock | undefined, private readonly docs: Documents) {
    const guard = (what: string): void => {
      if (this.#closed) throw closed(what);
    };
    const log = (name: string) => new AppendLog(join(dataDir, name), { dataDir, label: name, onTorn: (t) => warn(tornWarning(t)) });
    const [auditLog, qualityLog] = [log('audit.jsonl'), log('quality.jsonl')];
    this.#logs = [auditLog, qualityLog];
    this.ledger = new JsonlLedger(dataDir, warn);
    this.campaigns = campaignRepository(docs.campaigns, guard);
    this.numbers = numberRepository(docs.numbers, guard);
    this.templates = templateRepository(docs.templates, guard);
    this.contacts = new LowdbContacts(docs.contacts, docs.audiences, guard);
    this.audiences = new LowdbAudiences(docs.audiences, guard);
    this.audit = new JsonlAuditLog(auditLog, guard, warn);
    this.quality = new JsonlQualityHistory(qualityLog, guard, warn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.ledger.close(), ...this.#logs.map((l) => l.close()), ...Object.values(this.docs).map((d: Documents[keyof Documents]) => d.adapter.settled())]);
    await this.lock?.release();
  }
}

type Guard = (what: string) => void;

function campaignRepository(doc: Document<CampaignsFile>, guard: Guard): CampaignRepository {
  return {
    async saveCampaign(campaign: Campaign): Promise<void> {
      guard('campaigns.saveCampaign');
      if (campaign === null || typeof campaign !== 'object' || typeof campaign.id !== 'string' || !CAMPAIGN_ID_RE.test(campaign.id)) {
        throw invalidArgument('campaign', `got id ${describe(campaign?.id)}, expected a Campaign from core's createCampaign`);
      }
      doc.db.data.campaigns[campaign.id] = campaign;
      await doc.db.write();
    },
    async get(id: string) {
      guard('campaigns.get');
      return doc.db.data.campaigns[id];
    },
    async list(filter: { readonly status?: CampaignStatus } = {}) {
      guard('campaigns.list');
      return Object.values(doc.db.data.campaigns)
        .filter((c) => filter.status === undefined || c.status === filter.status)
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },
  };
}

function numberRepository(doc: Document<NumbersFile>, guard: Guard): NumberRepository {
  const data = () => doc.db.data;
  return {
    async get(id: string) {
      guard('numbers.get');
      return data().numbers[id];
    },
    async list() {
      guard('numbers.list');
      return Object.values(data().numbers).sort((a, b) => a.id.localeCompare(b.id));
    },
    async save(numbers: readonly PhoneNumber[]) {
      guard('numbers.save');
      for (const n of numbers) {
        if (n === null || typeof n !== 'object' || typeof n.id !== 'string' || n.id.trim() === '') throw invalidArgument('phone number', `got id ${describe(n?.id)}, expected a PhoneNumber from core's createPhoneNumber`);
      }
      for (const n of numbers) data().numbers[n.id] = n;
      await doc.db.write();
    },
    async remove(id: string) {
      guard('numbers.remove');
      if (!data().numbers[id]) return false;
      delete data().numbers[id];
      await doc.db.write();
      return true;
    },
    async getHolder(holderId: string) {
      guard('numbers.getHolder');
      return data().holders[holderId];
    },
    async listHolders() {
      guard('numbers.listHolders');
      return Object.values(data().holders);
    },
    async saveHolders(snapshots: readonly HolderSnapshot[]) {
      guard('numbers.saveHolders');
      for (const s of snapshots) {
        if (typeof s?.state?.holderId !== 'string' || s.state.holderId === '' || typeof s.savedAt !== 'number') {
          throw invalidArgument('holder snapshot', `got holderId ${describe(s?.state?.holderId)}, expected { state: TierHolderState, savedAt, usage? }`);
        }
      }
      for (const s of snapshots) data().holders[s.state.holderId] = s;
      await doc.db.write();
    },
  };
}

const templateKey = (name: string, language: string): string => `${name}/${language}`;

function templateRepository(doc: Document<TemplatesFile>, guard: Guard): TemplateRepository {
  const check = (templates: readonly TemplateDefinition[]): void => {
    for (const t of templates) {
      if (typeof t?.name !== 'string' || typeof t.language !== 'string') throw invalidArgument('template', `got ${describe(t)}, expected a TemplateDefinition from core's parseTemplateDefinition`);
    }
  };
  return {
    async get(name: string, language: string) {
      guard('templates.get');
      return doc.db.data.templates[templateKey(name, language)];
    },
    async list() {
      guard('templates.list');
      return Object.values(doc.db.data.templates);
    },
    async replaceAll(templates: readonly TemplateDefinition[], syncedAt: Instant) {
      guard('templates.replaceAll');
      check(templates);
      if (typeof syncedAt !== 'number' || !Number.isFinite(syncedAt)) throw invalidArgument('templates syncedAt', `got ${describe(syncedAt)}, expected an instant (epoch ms)`);
      const fresh = emptyTemplates();
      for (const t of templates) fresh.templates[templateKey(t.name, t.language)] = t;
      doc.db.data = { ...fresh, syncedAt };
      await doc.db.write();
    },
    async save(templates: readonly TemplateDefinition[]) {
      guard('templates.save');
      check(templates);
      for (const t of templates) doc.db.data.templates[templateKey(t.name, t.language)] = t;
      await doc.db.write();
    },
    async syncedAt() {
      guard('templates.syncedAt');
      return doc.db.data.syncedAt;
    },
  };
}
