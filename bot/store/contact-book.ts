/**
 * Contacts (contacts.json, keyed by WhatsApp id) and audiences (audiences.json, named lists of
 * WhatsApp ids). Both files are rewritten whole on every write, ~20 MB for 100k contacts, so a
 * batch is one write: an import, a set of opt-outs, a list saved. A batch is checked completely
 * before anything changes: one bad change leaves every record as it was.
 */
import {
  createContact, liftSuppression, recordIdentityChange, recordOptIn, recordOptOut, suppress, type Contact,
} from '../../core/contact.ts';
import { describe, invalidArgument } from '../../core/errors.ts';
import type { Instant } from '../../core/time.ts';
import type { AudiencesFile, ContactsFile } from './documents.ts';
import type { Document } from './json-document.ts';
import type { Audience, AudienceRepository, ContactChange, ContactChangeReport, ContactRepository } from './store.ts';

const WA_ID_RE = /^\d{5,15}$/;
const MAX_AUDIENCE_NAME = 200;

export class LowdbContacts implements ContactRepository {
  constructor(
    private readonly file: Document<ContactsFile>,
    private readonly audiences: Document<AudiencesFile>,
    private readonly guard: (what: string) => void,
  ) {}

  async get(waId: string): Promise<Contact | undefined> {
    this.guard('contacts.get');
    return this.file.db.data.contacts[waId];
  }

  async getMany(waIds: readonly string[]): Promise<Map<string, Contact>> {
    this.guard('contacts.getMany');
    const found = new Map<string, Contact>();
    for (const waId of waIds) {
      const c = this.file.db.data.contacts[waId];
      if (c) found.set(waId, c);
    }
    return found;
  }

  async upsert(contacts: readonly Contact[]): Promise<void> {
    this.guard('contacts.upsert');
    for (const c of contacts) checkContact(c);
    const all = this.file.db.data.contacts;
    for (const c of contacts) all[c.waId] = c;
    await this.file.db.write();
  }

  async listByAudience(audience: string): Promise<Contact[] | undefined> {
    this.guard('contacts.listByAudience');
    const list = this.audiences.db.data.audiences[audience];
    if (!list) return undefined;
    const all = this.file.db.data.contacts;
    return list.waIds.flatMap((waId) => all[waId] ?? []);
  }

  async modify(waIds: readonly string[], change: (stored: Contact | undefined, waId: string, index: number) => Contact | undefined): Promise<Contact[]> {
    this.guard('contacts.modify');
    const all = this.file.db.data.contacts;
    const next = new Map<string, Contact>();
    for (const [index, waId] of waIds.entries()) {
      const stored = next.get(waId) ?? all[waId];
      const after = change(stored, waId, index);
      if (after !== undefined && after !== stored) {
        checkContact(after);
        if (after.waId !== waId) throw invalidArgument('contact change', `the record of ${waId} came back as ${after.waId}; expected the same WhatsApp id`);
        next.set(waId, after);
      }
    }
    if (next.size === 0) return [];
    for (const [waId, c] of next) all[waId] = c;
    await this.file.db.write();
    return [...next.values()];
  }

  async apply(changes: readonly ContactChange[]): Promise<ContactChangeReport> {
    this.guard('contacts.apply');
    if (!Array.isArray(changes)) throw invalidArgument('contact changes', `got ${describe(changes)}, expected an array of { waId, at, change }`);
    for (const c of changes) {
      if (c === null || typeof c !== 'object' || typeof c.waId !== 'string' || !WA_ID_RE.test(c.waId)) {
        throw invalidArgument('contact change', `got waId ${describe(c?.waId)}, expected a WhatsApp id: 5-15 digits like "966501234567"`);
      }
    }
    const unknown: string[] = [];
    let created = 0;
    const changed = await this.modify(changes.map((c) => c.waId), (stored, _waId, index) => {
      const c = changes[index]!;
      if (!stored && (c.change?.kind === 'lift-suppression' || c.change?.kind === 'identity-changed')) {
        unknown.push(c.waId);
        return undefined;
      }
      if (!stored) created += 1;
      return applyChange(stored ?? createContact({ waId: c.waId }), c);
    });
    return { changed, created, unknown };
  }

  async count(): Promise<number> {
    this.guard('contacts.count');
    return Object.keys(this.file.db.data.contacts).length;
  }
}

function applyChange(contact: Contact, { at, change }: ContactChange): Contact {
  switch (change?.kind) {
    case 'opt-in': return recordOptIn(contact, change.source, at, change.evidence);
    // A runner opt-out carries the text the person replied: that is a keyword opt-out.
    case 'opt-out': return recordOptOut(contact, change.via ?? (change.text !== undefined ? 'keyword' : 'request'), at, change.text);
    case 'suppress': return suppress(contact, change.reason, at, change.metaCode);
    case 'lift-suppression': return liftSuppression(contact);
    case 'identity-changed': return recordIdentityChange(contact, at, change.newWaId);
    default:
      throw invalidArgument('contact change', `got kind ${describe((change as { kind?: unknown } | undefined)?.kind)}, expected one of opt-in, opt-out, suppress, lift-suppression, identity-changed`);
  }
}

function checkContact(c: Contact): void {
  if (c === null || typeof c !== 'object' || typeof c.waId !== 'string' || !WA_ID_RE.test(c.waId) || c.msisdn !== `+${c.waId}`) {
    throw invalidArgument('contact', `got ${describe(c)} with waId ${describe(c?.waId)}, expected a Contact from core's createContact (waId = msisdn without "+")`);
  }
}

export class LowdbAudiences implements AudienceRepository {
  constructor(private readonly file: Document<AudiencesFile>, private readonly guard: (what: string) => void) {}

  async get(name: string): Promise<Audience | undefined> {
    this.guard('audiences.get');
    return this.file.db.data.audiences[name];
  }

  async list(): Promise<Audience[]> {
    this.guard('audiences.list');
    return Object.values(this.file.db.data.audiences).sort((a, b) => a.name.localeCompare(b.name));
  }

  async save(spec: { readonly name: string; readonly waIds: readonly string[]; readonly source?: string; readonly at: Instant }): Promise<Audience> {
    this.guard('audiences.save');
    const name = audienceName(spec?.name);
    if (!Array.isArray(spec.waIds) || spec.waIds.some((w) => typeof w !== 'string' || !WA_ID_RE.test(w))) {
      throw invalidArgument(`audience ${JSON.stringify(name)} waIds`, 'expected an array of WhatsApp ids: 5-15 digits like "966501234567"');
    }
    if (typeof spec.at !== 'number' || !Number.isFinite(spec.at)) throw invalidArgument(`audience ${JSON.stringify(name)} at`, `got ${describe(spec.at)}, expected an instant (epoch ms)`);
    const earlier = this.file.db.data.audiences[name];
    const audience: Audience = {
      name,
      waIds: [...new Set(spec.waIds)],
      ...(spec.source !== undefined ? { source: spec.source } : {}),
      createdAt: earlier?.createdAt ?? spec.at,
      updatedAt: spec.at,
    };
    this.file.db.data.audiences[name] = audience;
    await this.file.db.write();
    return audience;
  }

  async remove(name: string): Promise<boolean> {
    this.guard('audiences.remove');
    if (!this.file.db.data.audiences[name]) return false;
    delete this.file.db.data.audiences[name];
    await this.file.db.write();
    return true;
  }
}

export function audienceName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '' || name.length > MAX_AUDIENCE_NAME) {
    throw invalidArgument('audience name', `got ${describe(value)}, expected 1-${MAX_AUDIENCE_NAME} characters, like "customers-riyadh"`);
  }
  return name;
}
