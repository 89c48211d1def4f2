import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendEligibility } from '../../../core/contact.ts';
import { importContacts, importContactsFile, type ImportProblem } from '../../../bot/store/import-contacts.ts';
import { openStore, type Store } from '../../../bot/store/store.ts';

const AT = Date.parse('2026-03-01T12:00:00Z');
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-import-'));
  store = await openStore({ dataDir: join(dir, 'data') });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const HEADER = 'phone,name,opt_in_source,opt_in_at,opt_in_evidence,city';
const GOOD = csv(
  HEADER,
  '+966501234567,Sara,web-form,2026-02-01T09:00:00+03:00,form #12,Riyadh',
  '+971501234567,Omar,qr,1767225600000,,Dubai',
  '+966 55 123 4567,,,,,',
);
const run = (text: string | Buffer, audience = 'customers') => importContacts(store, text, { audience, at: AT });
const lineAndKind = (problems: readonly ImportProblem[]) => problems.map((p) => [p.line, p.kind]);

describe('importing a contact file', () => {
  it('should store each contact with its opt-in evidence and attributes, and name an audience after the file', async () => {
    const path = join(dir, 'riyadh-customers.csv');
    writeFileSync(path, `\uFEFF${GOOD}`);
    const result = await importContactsFile(store, path, { at: AT, by: 'U024BE7LH' });
    expect(result).toEqual({ ok: true, audience: 'riyadh-customers', rows: 3, imported: 3, updated: 0, unchanged: 0, problems: [] });
    expect(await store.contacts.get('966501234567')).toEqual({
      msisdn: '+966501234567', waId: '966501234567', name: 'Sara',
      optIn: { source: 'web-form', at: Date.parse('2026-02-01T06:00:00Z'), evidence: 'form #12' }, attributes: { city: 'Riyadh' },
    });
    expect(await store.contacts.get('971501234567')).toMatchObject({ optIn: { source: 'qr', at: 1767225600000 }, attributes: { city: 'Dubai' } });
    expect(await store.contacts.get('966551234567')).toEqual({ msisdn: '+966551234567', waId: '966551234567' });
    expect(await store.audiences.get('riyadh-customers')).toMatchObject({ waIds: ['966501234567', '971501234567', '966551234567'], source: 'riyadh-customers.csv' });
    expect(await store.audit.recent(1)).toEqual([{ at: AT, who: 'U024BE7LH', what: 'contacts-imported', details: { audience: 'riyadh-customers', source: 'riyadh-customers.csv', rows: 3, imported: 3, updated: 0, unchanged: 0 } }]);
  });

  it('should read Arabic names and phones written in Arabic-Indic digits', async () => {
    const result = await importContacts(store, csv(
      'Phone,Name,Opt In Source,Opt In At',
      '"+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧",محمد العتيبي,link,٢٠٢٦-٠٢-٠١T09:00:00Z',
      '۰۵۵۱۲۳۴۵۶۷,نورة,thread,2026-02-02T09:00:00+03:00',
    ), { audience: 'عملاء الرياض', defaultCountry: 'SA', at: AT });
    expect(result).toMatchObject({ ok: true, imported: 2, audience: 'عملاء الرياض' });
    expect(await store.contacts.get('966501234567')).toMatchObject({ name: 'محمد العتيبي', optIn: { source: 'link', at: Date.parse('2026-02-01T09:00:00Z') } });
    expect(await store.contacts.get('966551234567')).toMatchObject({ name: 'نورة' });
    expect((await store.contacts.listByAudience('عملاء الرياض'))?.map((c) => c.name)).toEqual(['محمد العتيبي', 'نورة']);
  });

  it('should record an opt-out column so the contact is never sent to', async () => {
    await run(csv('phone,opt_in_source,opt_in_at,opt_out_at', '+966501234567,web-form,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z'));
    expect(sendEligibility((await store.contacts.get('966501234567'))!, AT)).toMatchObject({ ok: false, reason: 'opted-out' });
  });
});

describe('a file with bad rows', () => {
  it('should report every bad row with its line and reason, and import nothing', async () => {
    const text = csv(
      HEADER,
      '+966501234567,Sara,web-form,2026-02-01T09:00:00Z,,',
      ',No phone,,,,',
      '+96612,Short,,,,',
      '+966501234568,Source,sms,2026-02-01T09:00:00Z,,',
      '+966501234569,No zone,web-form,2026-02-01T09:00:00,,',
      '+966501234570,Feb 30,web-form,2026-02-30T09:00:00Z,,',
      '+966501234571,Seconds,web-form,1767225600,,',
      '+966501234572,Future,web-form,2026-03-02T00:00:00Z,,',
      '+966501234573,No time,web-form,,,',
      '',
      '"+966 50 123 4567",Again,,,,',
      '+966501234574,Too,many,fields,,,,',
      '0501234575,Local,,,,',
    );
    const result = await run(text);
    expect(result).toMatchObject({ ok: false, imported: 0, updated: 0, unchanged: 0, rows: 12 });
    expect(lineAndKind(result.problems)).toEqual([
      [3, 'missing-phone'], [4, 'bad-phone'], [5, 'unknown-opt-in-source'], [6, 'bad-date'], [7, 'bad-date'], [8, 'bad-date'],
      [9, 'bad-date'], [10, 'incomplete-opt-in'], [12, 'duplicate-phone'], [13, 'csv'], [14, 'bad-phone'],
    ]);
    const reason = (line: number) => result.problems.find((p) => p.line === line)!.reason;
    expect(reason(4)).toMatch(/^phone number: got "\+96612", too short/);
    expect(reason(5)).toBe('got "sms", expected one of web-form, ivr, ad, link, qr, thread, import, other');
    expect(reason(6)).toMatch(/without a time zone/);
    expect(reason(7)).toMatch(/a date that does not exist/);
    expect(reason(8)).toMatch(/epoch seconds\?/);
    expect(reason(9)).toMatch(/after the import/);
    expect(reason(12)).toBe('+966501234567 is already on line 2; expected each phone once per file');
    expect(reason(13)).toMatch(/has 8 fields, the header has 6/);
    expect(reason(14)).toMatch(/without a country code.*defaultCountry/);
    expect(await store.contacts.count()).toBe(0);
    expect(await store.audiences.list()).toEqual([]);
    expect(await store.audit.recent()).toEqual([]);
  });

  it('should leave stored contacts untouched when a re-import has one bad row', async () => {
    await run(GOOD);
    const before = await store.contacts.getMany(['966501234567', '971501234567']);
    const result = await run(csv(HEADER, '+966501234567,Renamed,web-form,2026-02-20T09:00:00Z,,', '+1,Bad,,,,'));
    expect(lineAndKind(result.problems)).toEqual([[3, 'bad-phone']]);
    expect(await store.contacts.getMany(['966501234567', '971501234567'])).toEqual(before);
  });

  it('should count lines from the file, across quoted line breaks and CRLF', async () => {
    const text = 'phone,name\r\n+966501234567,"two\r\nlines"\r\n\r\n+1,Bad\r\n';
    expect(lineAndKind((await run(text)).problems)).toEqual([[5, 'bad-phone']]);
  });

  it('should report header problems at line 1 before looking at rows', async () => {
    const problems = (await run(csv('name,Name,do_not_contact,', 'x,y,z,w'))).problems;
    expect(problems.map((p) => p.reason)).toEqual([
      'column "Name" appears twice (columns 1 and 2); expected each column once',
      'column "do_not_contact" looks like an opt-out or block list; put the time they opted out in "opt_out_at" (ISO 8601 with a zone) so they are never sent to',
      'column 4 has no name; expected a name for every column',
      'no "phone" column; expected a header like phone,name,opt_in_source,opt_in_at,opt_in_evidence (got "name", "Name", "do_not_contact", "")',
    ]);
    expect(problems.every((p) => p.line === 1 && p.kind === 'header')).toBe(true);
    expect((await run('')).problems).toEqual([expect.objectContaining({ line: 1, kind: 'header' })]);
  });

  it('should report a broken quote as a CSV problem', async () => {
    const result = await run(csv('phone,name', '+966501234567,"Sara', '+966501234568,Omar'));
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ kind: 'csv' });
    expect(result.problems[0]!.reason).toMatch(/Quote Not Closed/);
  });
});

describe('importing the same file again', () => {
  it('should change nothing and duplicate nothing', async () => {
    await run(GOOD);
    const contacts = await store.contacts.listByAudience('customers');
    const second = await run(GOOD);
    expect(second).toMatchObject({ ok: true, imported: 0, updated: 0, unchanged: 3 });
    expect(await store.contacts.listByAudience('customers')).toEqual(contacts);
    expect(await store.contacts.count()).toBe(3);
    expect((await store.audiences.get('customers'))!.waIds).toHaveLength(3);
  });

  it('should take a newer opt-in, ignore an older one, and keep an opt-out or suppression on record', async () => {
    await run(GOOD);
    await store.contacts.apply([{ waId: '971501234567', at: AT, change: { kind: 'suppress', reason: 'not-on-whatsapp', metaCode: 131026 } }]);
    const result = await run(csv(
      HEADER,
      '+966501234567,Sara,qr,2026-02-20T09:00:00Z,poster at the mall,Riyadh',
      '+971501234567,Omar,qr,2025-01-01T00:00:00Z,,Dubai',
      '+966551234567,,,,,',
    ));
    expect(result).toMatchObject({ ok: true, imported: 0, updated: 1, unchanged: 2 });
    expect((await store.contacts.get('966501234567'))!.optIn).toEqual({ source: 'qr', at: Date.parse('2026-02-20T09:00:00Z'), evidence: 'poster at the mall' });
    expect(await store.contacts.get('971501234567')).toMatchObject({ optIn: { source: 'qr', at: 1767225600000 }, suppression: { reason: 'not-on-whatsapp' } });
  });

  it('should replace the audience with the file, and keep contacts that left the list', async () => {
    await run(GOOD);
    await run(csv(HEADER, '+971501234567,Omar,qr,1767225600000,,Dubai'));
    expect((await store.audiences.get('customers'))!.waIds).toEqual(['971501234567']);
    expect(await store.contacts.count()).toBe(3);
  });
});

describe('a large import', () => {
  it('should import 10,000 rows in well under a few seconds, in one write per file', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `+9665${String(i).padStart(8, '0')},عميل ${i},web-form,2026-02-01T09:00:00Z,form,Jeddah`);
    const text = csv(HEADER, ...rows);
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const syncs = vi.spyOn(proto, 'sync');
    const started = performance.now();
    const result = await run(text);
    const elapsed = performance.now() - started;
    const fsyncs = syncs.mock.calls.length;
    syncs.mockRestore();
    expect(result).toMatchObject({ ok: true, imported: 10_000, problems: [] });
    expect(elapsed).toBeLessThan(3_000);
    // contacts.json and audiences.json once each (an fsync of the new file and one of the directory),
    // plus the directory once more as audit.jsonl is created: no write per contact.
    expect(fsyncs).toBe(5);
    const again = performance.now();
    expect(await run(text)).toMatchObject({ unchanged: 10_000 });
    expect(performance.now() - again).toBeLessThan(3_000);
  });
});
