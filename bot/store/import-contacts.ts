/**
 * Import a CSV contact list into the store, all or nothing: one bad row and nothing is written,
 * with every problem listed by line. The file's contacts become a named audience (by default the
 * file's base name), which a campaign then names.
 *
 * Importing the same file again changes nothing: contacts are keyed by WhatsApp id, a contact keeps
 * one opt-in (the latest by time, so an older or equal one is not added twice, and a newer one
 * replaces it), an opt-out or suppression already on record stays, and the audience is replaced by
 * the file's list. Cost: one contacts.json write and one audiences.json write per import (each file
 * is rewritten whole; ~20 MB for 100k contacts), whatever the number of rows.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { recordOptIn, recordOptOut, type Contact } from '../../core/contact.ts';
import { describe, invalidArgument } from '../../core/errors.ts';
import type { CountryCode } from '../../core/msisdn.ts';
import type { Instant } from '../../core/time.ts';
import { audienceName } from './contact-book.ts';
import { readContactCsv, type ImportProblem } from './contact-csv.ts';
import type { Store } from './store.ts';

export type { ImportProblem, ImportProblemKind } from './contact-csv.ts';

export interface ImportOptions {
  /** The audience the file's contacts form. Default: the file's base name ("customers.csv" → "customers"). */
  readonly audience?: string;
  /** For numbers written without a country code, like "0501234567" collected in Saudi Arabia ("SA"). */
  readonly defaultCountry?: CountryCode;
  /** The import's time. Default: now. */
  readonly at?: Instant;
  /** Who imported, for the audit log. Default "import". */
  readonly by?: string;
}

export interface ImportResult {
  readonly ok: boolean;
  readonly audience: string;
  /** Data rows read (blank rows not counted). */
  readonly rows: number;
  /** Contacts that were new. */
  readonly imported: number;
  /** Contacts that existed and changed (a newer opt-in, a new name or attribute). */
  readonly updated: number;
  readonly unchanged: number;
  /** Empty when ok; otherwise every problem, by line, and nothing was written. */
  readonly problems: readonly ImportProblem[];
}

export async function importContactsFile(store: Store, path: string, options: ImportOptions = {}): Promise<ImportResult> {
  const audience = options.audience ?? basename(path, extname(path));
  const csv = await readFile(path);
  return importContacts(store, csv, { ...options, audience }, basename(path));
}

export async function importContacts(store: Store, csv: string | Buffer, options: ImportOptions & { readonly audience: string }, source?: string): Promise<ImportResult> {
  if (typeof csv !== 'string' && !Buffer.isBuffer(csv)) throw invalidArgument('contact import', `got ${describe(csv)}, expected the CSV text or bytes`);
  const audience = audienceName(options.audience);
  const at = options.at ?? Date.now();
  if (typeof at !== 'number' || !Number.isFinite(at)) throw invalidArgument('contact import at', `got ${describe(at)}, expected an instant (epoch ms)`);
  const read = readContactCsv(csv, { at, ...(options.defaultCountry !== undefined ? { defaultCountry: options.defaultCountry } : {}) });
  const refused = { ok: false, audience, rows: read.rows, imported: 0, updated: 0, unchanged: 0 };
  if (read.problems.length > 0) return { ...refused, problems: read.problems };
  if (read.contacts.length === 0) {
    return { ...refused, problems: [{ line: 1, kind: 'header', reason: 'the file has no contacts; expected one row per contact under the header' }] };
  }

  const incoming = new Map(read.contacts.map(({ contact }) => [contact.waId, contact]));
  let imported = 0;
  let updated = 0;
  await store.contacts.modify([...incoming.keys()], (stored, waId) => {
    const contact = incoming.get(waId)!;
    if (!stored) {
      imported += 1;
      return contact;
    }
    const after = merge(stored, contact);
    if (isDeepStrictEqual(after, stored)) return stored;
    updated += 1;
    return after;
  });
  await store.audiences.save({ name: audience, waIds: read.contacts.map((c) => c.contact.waId), at, ...(source !== undefined ? { source } : {}) });
  const result: ImportResult = { ok: true, audience, rows: read.rows, imported, updated, unchanged: read.contacts.length - imported - updated, problems: [] };
  await store.audit.append({
    at, who: options.by ?? 'import', what: 'contacts-imported',
    details: { audience, ...(source !== undefined ? { source } : {}), rows: result.rows, imported, updated, unchanged: result.unchanged },
  });
  return result;
}

/** What the file says, laid over what the store knows, with core's rules for consent. */
function merge(stored: Contact, incoming: Contact): Contact {
  let c = stored;
  if (incoming.name !== undefined && incoming.name !== c.name) c = { ...c, name: incoming.name };
  if (incoming.optIn) c = recordOptIn(c, incoming.optIn.source, incoming.optIn.at, incoming.optIn.evidence);
  if (incoming.optOut) c = recordOptOut(c, incoming.optOut.via, incoming.optOut.at, incoming.optOut.text);
  if (incoming.attributes) {
    const attributes = { ...c.attributes, ...incoming.attributes };
    if (!isDeepStrictEqual(attributes, c.attributes)) c = { ...c, attributes };
  }
  return c;
}
