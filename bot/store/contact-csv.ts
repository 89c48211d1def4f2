/**
 * Read a contact list exported from a CRM or a spreadsheet: one header row, then one contact per
 * row. Columns (case and spaces ignored): `phone` (required), `name`, `opt_in_source`, `opt_in_at`,
 * `opt_in_evidence`, `opt_out_at`; any other column is kept as a text attribute. Every problem is
 * collected with its line, so one pass over the file shows everything to fix.
 *
 * Line numbers are counted from the bytes, not taken from the parser: csv-parse counts a CRLF
 * inside a quoted field as two lines.
 */
import { parse } from 'csv-parse/sync';
import { OPT_IN_SOURCES, recordOptIn, recordOptOut, type Contact, type OptInSource } from '../../core/contact.ts';
import { CoreError, describe } from '../../core/errors.ts';
import { parseMsisdn, toWaId, type CountryCode, type Msisdn } from '../../core/msisdn.ts';
import type { Instant } from '../../core/time.ts';

export type ImportProblemKind =
  | 'csv' | 'header' | 'missing-phone' | 'bad-phone' | 'duplicate-phone' | 'unknown-opt-in-source' | 'bad-date' | 'incomplete-opt-in' | 'bad-row';

export interface ImportProblem {
  readonly line: number;
  readonly kind: ImportProblemKind;
  readonly column?: string;
  readonly reason: string;
}

export interface CsvContact {
  readonly line: number;
  readonly contact: Contact;
}

export interface CsvReadOptions {
  readonly defaultCountry?: CountryCode;
  /** The import's time: an opt-in dated after it is refused. */
  readonly at: Instant;
}

const KNOWN = ['phone', 'name', 'opt_in_source', 'opt_in_at', 'opt_in_evidence', 'opt_out_at'] as const;
type Known = (typeof KNOWN)[number];
/**
 * A column that looks like an opt-out or a block list but is not `opt_out_at` would otherwise be
 * kept as a harmless attribute while the contact is imported as sendable.
 */
const LOOKS_LIKE_OPT_OUT = /opt.?out|unsubscri|suppress|do.?not|dnc|blocked|^stop/i;
/** Before 1973 in milliseconds: a 10-digit number here is epoch seconds written in the wrong unit. */
const MIN_PLAUSIBLE_MS = 1e11;
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i;
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;
const SOURCES: ReadonlySet<string> = new Set(OPT_IN_SOURCES);

export function readContactCsv(csv: string | Buffer, options: CsvReadOptions): { contacts: CsvContact[]; rows: number; problems: ImportProblem[] } {
  const input = typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv;
  const problems: ImportProblem[] = [];
  const records = parse(input, {
    bom: true, info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true,
    on_skip: (error) => {
      problems.push({ line: typeof error?.lines === 'number' ? error.lines : 0, kind: 'csv', reason: `not readable as CSV: ${error?.message ?? 'unknown error'}; the rows after it could not be checked` });
      return undefined;
    },
  }) as unknown as { record: string[]; info: { bytes: number } }[];
  const lineAt = lineLocator(input);
  let previousEnd = 0;
  const located = records.map(({ record, info }) => {
    const line = lineAt(previousEnd);
    previousEnd = info.bytes;
    return { record, line };
  });
  const head = located.shift();
  if (!head) return { contacts: [], rows: 0, problems: [...problems, { line: 1, kind: 'header', reason: 'the file has no header row; expected a first row naming the columns, with at least "phone"' }] };
  const columns = readHeader(head.record, head.line, problems);
  if (!columns) return { contacts: [], rows: 0, problems };
  const contacts: CsvContact[] = [];
  const firstLineOf = new Map<string, number>();
  let rows = 0;
  for (const { record, line } of located) {
    if (record.every((cell) => cell.trim() === '')) continue;
    rows += 1;
    if (record.length !== columns.names.length) {
      problems.push({ line, kind: 'csv', reason: `has ${record.length} fields, the header has ${columns.names.length}; quote fields that contain commas` });
      continue;
    }
    const contact = readRow(record, line, columns, options, problems);
    if (!contact) continue;
    const first = firstLineOf.get(contact.waId);
    if (first !== undefined) {
      problems.push({ line, kind: 'duplicate-phone', column: 'phone', reason: `${contact.msisdn} is already on line ${first}; expected each phone once per file` });
      continue;
    }
    firstLineOf.set(contact.waId, line);
    contacts.push({ line, contact });
  }
  return { contacts, rows, problems: problems.sort((a, b) => a.line - b.line) };
}

interface Columns {
  readonly names: readonly string[];
  readonly known: Partial<Record<Known, number>>;
  readonly attributes: readonly { readonly name: string; readonly index: number }[];
}

function readHeader(cells: readonly string[], line: number, problems: ImportProblem[]): Columns | undefined {
  const before = problems.length;
  const known: Partial<Record<Known, number>> = {};
  const attributes: { name: string; index: number }[] = [];
  const seen = new Map<string, number>();
  cells.forEach((cell, index) => {
    const name = cell.trim();
    const normal = name.toLowerCase().replace(/[\s-]+/g, '_');
    const header = (reason: string) => problems.push({ line, kind: 'header', column: name, reason });
    if (name === '') return void header(`column ${index + 1} has no name; expected a name for every column`);
    if (seen.has(normal)) return void header(`column "${name}" appears twice (columns ${seen.get(normal)! + 1} and ${index + 1}); expected each column once`);
    seen.set(normal, index);
    if ((KNOWN as readonly string[]).includes(normal)) known[normal as Known] = index;
    else if (LOOKS_LIKE_OPT_OUT.test(normal)) header(`column "${name}" looks like an opt-out or block list; put the time they opted out in "opt_out_at" (ISO 8601 with a zone) so they are never sent to`);
    else attributes.push({ name, index });
  });
  if (known.phone === undefined) problems.push({ line, kind: 'header', reason: `no "phone" column; expected a header like phone,name,opt_in_source,opt_in_at,opt_in_evidence (got ${cells.map((c) => JSON.stringify(c.trim())).join(', ')})` });
  return problems.length === before ? { names: cells, known, attributes } : undefined;
}

function readRow(record: readonly string[], line: number, columns: Columns, options: CsvReadOptions, problems: ImportProblem[]): Contact | undefined {
  const cell = (column: Known): string | undefined => {
    const index = columns.known[column];
    const value = index === undefined ? undefined : record[index]?.trim();
    return value === '' ? undefined : value;
  };
  const before = problems.length;
  const report = (kind: ImportProblemKind, column: string | undefined, reason: string) => problems.push({ line, kind, ...(column !== undefined ? { column } : {}), reason });
  const phone = cell('phone');
  let waId: string | undefined;
  if (phone === undefined) report('missing-phone', 'phone', 'no phone number; expected E.164 like +966501234567');
  else {
    try {
      waId = toWaId(parseMsisdn(phone, options.defaultCountry !== undefined ? { defaultCountry: options.defaultCountry } : {}));
    } catch (error) {
      if (!(error instanceof CoreError)) throw error;
      report('bad-phone', 'phone', error.message);
    }
  }
  const source = cell('opt_in_source');
  const optInAt = cell('opt_in_at');
  const evidence = cell('opt_in_evidence');
  let optIn: { source: OptInSource; at: Instant; evidence?: string } | undefined;
  const normalSource = source?.toLowerCase().replace(/[\s_]+/g, '-');
  if (normalSource !== undefined && !SOURCES.has(normalSource)) {
    report('unknown-opt-in-source', 'opt_in_source', `got ${describe(source)}, expected one of ${OPT_IN_SOURCES.join(', ')}`);
  }
  const at = optInAt === undefined ? undefined : readInstant(optInAt, 'opt_in_at', line, problems);
  if (at !== undefined && at > options.at) report('bad-date', 'opt_in_at', `got ${describe(optInAt)}, which is after the import (${new Date(options.at).toISOString()}); expected the time they opted in`);
  if ((source ?? optInAt ?? evidence) !== undefined && (source === undefined || optInAt === undefined)) {
    report('incomplete-opt-in', source === undefined ? 'opt_in_source' : 'opt_in_at', `an opt-in needs both opt_in_source and opt_in_at; got ${source === undefined ? 'no source' : 'no time'}`);
  }
  if (normalSource !== undefined && SOURCES.has(normalSource) && at !== undefined) {
    optIn = { source: normalSource as OptInSource, at, ...(evidence !== undefined ? { evidence } : {}) };
  }
  const optOutText = cell('opt_out_at');
  const optOutAt = optOutText === undefined ? undefined : readInstant(optOutText, 'opt_out_at', line, problems);
  if (problems.length > before || waId === undefined) return undefined;
  const attributes: Record<string, string> = {};
  for (const { name, index } of columns.attributes) {
    const value = record[index]?.trim();
    if (value) attributes[name] = value;
  }
  const name = cell('name');
  // Built from parts already checked (the phone by parseMsisdn, consent by core's recorders):
  // createContact would parse the phone a second time, a third of a large import's time.
  try {
    let contact: Contact = { msisdn: `+${waId}` as Msisdn, waId, ...(name !== undefined ? { name } : {}) };
    if (optIn) contact = recordOptIn(contact, optIn.source, optIn.at, optIn.evidence);
    if (optOutAt !== undefined) contact = recordOptOut(contact, 'import', optOutAt);
    return Object.keys(attributes).length > 0 ? { ...contact, attributes } : contact;
  } catch (error) {
    if (!(error instanceof CoreError)) throw error;
    report('bad-row', undefined, error.message);
    return undefined;
  }
}

/** Epoch milliseconds, or ISO 8601 with a zone; a calendar date that does not exist is refused. */
function readInstant(text: string, column: string, line: number, problems: ImportProblem[]): Instant | undefined {
  const bad = (why: string) => void problems.push({ line, kind: 'bad-date', column, reason: `got ${describe(text)}${why}; expected ISO 8601 with a zone like 2025-10-07T09:00:00+03:00, or epoch milliseconds` });
  const t = text.replace(ARABIC_INDIC_DIGITS, (d) => {
    const code = d.codePointAt(0)!;
    return String(code - (code >= 0x06f0 ? 0x06f0 : 0x0660));
  }).trim();
  if (/^\d+$/.test(t)) {
    const ms = Number(t);
    if (ms < MIN_PLAUSIBLE_MS) return bad(', which would be before 1973 (epoch seconds?)');
    return Number.isSafeInteger(ms) ? ms : bad(', too large');
  }
  const m = ISO_WITH_ZONE.exec(t);
  if (!m) return bad(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$/.test(t) ? ' without a time zone' : '');
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || calendar.getUTCDate() !== day || calendar.getUTCMonth() !== month - 1) return bad(', a date that does not exist');
  if (hour > 23 || minute > 59 || second > 59 || (m[8] !== undefined && (Number(m[8]) > 14 || Number(m[9]) > 59))) return bad(', a time that does not exist');
  return Date.parse(t);
}

/** Line number (1-based) of the first character of a record that starts at or after `offset`. */
function lineLocator(input: Buffer): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = 0; i < input.length; i += 1) {
    const b = input[i];
    if (b === 0x0a || (b === 0x0d && input[i + 1] !== 0x0a)) breaks.push(i);
  }
  return (offset) => {
    let start = offset;
    if (start === 0 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) start = 3;
    while (start < input.length && (input[start] === 0x0a || input[start] === 0x0d)) start += 1;
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
