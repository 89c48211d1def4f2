import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyTransition, createCampaign } from '../../../core/campaign.ts';
import { createContact, sendEligibility } from '../../../core/contact.ts';
import { createPhoneNumber } from '../../../core/phone-number.ts';
import { SEED_TEMPLATES } from '../../../core/template.ts';
import { META_2025_10 } from '../../../core/policies/meta-2025-10.ts';
import { createTierHolder } from '../../../core/tier-holder.ts';
import { openStore, type Store, type StoreWarning } from '../../../bot/store/store.ts';
import { StoreError } from '../../../bot/store/store-error.ts';

const T0 = 1_760_000_000_000;
let dir: string;
let store: Store;
let warnings: StoreWarning[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-lowdb-'));
  warnings = [];
  store = await openStore({ dataDir: join(dir, 'data'), onWarning: (w) => warnings.push(w) });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reopen(): Promise<Store> {
  await store.close();
  store = await openStore({ dataDir: join(dir, 'data'), onWarning: (w) => warnings.push(w) });
  return store;
}

const campaign = (id: string, createdAt = T0) => createCampaign({ id, name: 'Ramadan offers', template: { name: 'order_update', language: 'en_US' }, audience: 'customers', from: ['pn-1'], plan: 'warm-up', createdAt });
const contact = (waId: string, name?: string) => createContact({ waId, ...(name ? { name } : {}), optIn: { source: 'web-form', at: T0, evidence: 'form #12' } });

describe('the data directory', () => {
  it('should be created on first use with the journal folder', () => {
    expect(existsSync(join(dir, 'data', 'ledger'))).toBe(true);
    expect(readdirSync(join(dir, 'data'))).toContain('store.lock');
  });

  it('should refuse a directory it cannot create, naming it and saying what to set', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const error = await openStore({ dataDir: join(dir, 'a-file', 'data') }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'WA_STORE_UNWRITABLE', details: { errno: 'ENOTDIR' } });
    expect((error as Error).message).toBe(`store: cannot write to ${join(dir, 'a-file', 'data')} (ENOTDIR); set DATA_DIR to a writable directory`);
  });

  it.skipIf(process.getuid?.() === 0)('should refuse a directory without write permission (EACCES)', async () => {
    const { chmodSync, mkdirSync } = await import('node:fs');
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    await expect(openStore({ dataDir: readOnly })).rejects.toThrow(`store: cannot write to ${readOnly} (EACCES); set DATA_DIR to a writable directory`);
  });

  it('should refuse a second store on a directory that is open, and take over a lock left by a dead process', async () => {
    await expect(openStore({ dataDir: join(dir, 'data') })).rejects.toMatchObject({ code: 'WA_STORE_LOCKED' });
    await store.close();
    writeFileSync(join(dir, 'data', 'store.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    store = await openStore({ dataDir: join(dir, 'data'), onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.objectContaining({ kind: 'stale-lock', pid: 2 ** 22 + 12345 })]);
    await store.close();
    writeFileSync(join(dir, 'data', 'store.lock'), JSON.stringify({ pid: process.ppid }));
    await expect(openStore({ dataDir: join(dir, 'data') })).rejects.toThrow(`is in use by process ${process.ppid}`);
    rmSync(join(dir, 'data', 'store.lock'));
    store = await openStore({ dataDir: join(dir, 'data') });
  });

  it('should refuse work after close, with a typed error', async () => {
    await store.close();
    await expect(store.campaigns.list()).rejects.toMatchObject({ code: 'WA_STORE_CLOSED' });
    await expect(store.ledger.load('c1')).rejects.toMatchObject({ code: 'WA_STORE_CLOSED' });
    await expect(store.audit.append({ at: T0, who: 'u', what: 'x' })).rejects.toMatchObject({ code: 'WA_STORE_CLOSED' });
    expect(existsSync(join(dir, 'data', 'store.lock'))).toBe(false);
    store = await openStore({ dataDir: join(dir, 'data') });
  });

  it('should name a lowdb file it cannot parse instead of starting empty over it', async () => {
    await store.campaigns.saveCampaign(campaign('c1'));
    await store.close();
    writeFileSync(join(dir, 'data', 'campaigns.json'), '{"version":1,"campaigns":{"c1":');
    await expect(openStore({ dataDir: join(dir, 'data') })).rejects.toThrow(/^store: campaigns\.json: not valid JSON/);
    writeFileSync(join(dir, 'data', 'campaigns.json'), '{"version":1,"campaigns":[]}');
    await expect(openStore({ dataDir: join(dir, 'data') })).rejects.toThrow('store: campaigns.json: "campaigns" is an array, expected an object keyed by id');
    rmSync(join(dir, 'data', 'campaigns.json'));
    store = await openStore({ dataDir: join(dir, 'data') });
  });
});

describe('the lowdb documents across a restart', () => {
  it('should keep campaigns, numbers, holder books, templates, contacts and audiences', async () => {
    const started = applyTransition(campaign('c2', T0 + 1), { kind: 'start' }, T0 + 5).campaign;
    await store.campaigns.saveCampaign(campaign('c1'));
    await store.campaigns.saveCampaign(started);
    const numbers = [createPhoneNumber({ id: 'pn-1', display: '+966 50 000 0001', quality: 'GREEN' }), createPhoneNumber({ id: 'pn-main', role: 'main' })];
    await store.numbers.save(numbers);
    const holder = { state: createTierHolder(META_2025_10, { holderId: 'portfolio-1', at: T0 }), savedAt: T0 + 9, usage: { opened: [[T0, '966500000001']] } };
    await store.numbers.saveHolders([holder]);
    await store.templates.replaceAll(SEED_TEMPLATES, T0 + 2);
    await store.contacts.upsert([contact('966500000001', 'سارة'), contact('966500000002')]);
    await store.audiences.save({ name: 'customers', waIds: ['966500000002', '966500000001'], source: 'customers.csv', at: T0 });

    await reopen();
    expect(await store.campaigns.list()).toEqual([campaign('c1'), started]);
    expect(await store.campaigns.list({ status: 'running' })).toEqual([started]);
    expect(await store.campaigns.get('c2')).toEqual(started);
    expect(await store.numbers.list()).toEqual(numbers);
    expect(await store.numbers.getHolder('portfolio-1')).toEqual(holder);
    expect(await store.templates.list()).toEqual(SEED_TEMPLATES);
    expect(await store.templates.get('order_update', 'en_US')).toEqual(SEED_TEMPLATES[0]);
    expect(await store.templates.syncedAt()).toBe(T0 + 2);
    expect(await store.contacts.get('966500000001')).toEqual(contact('966500000001', 'سارة'));
    expect((await store.contacts.listByAudience('customers'))?.map((c) => c.waId)).toEqual(['966500000002', '966500000001']);
    expect(await store.contacts.listByAudience('nobody')).toBeUndefined();
    expect(await store.audiences.get('customers')).toMatchObject({ source: 'customers.csv', createdAt: T0 });
  });

  it('should be readable by a plain lowdb Low on the same file (no memory preset)', async () => {
    await store.campaigns.saveCampaign(campaign('c1'));
    await store.close();
    const db = new Low(new JSONFile<{ campaigns: Record<string, unknown> }>(join(dir, 'data', 'campaigns.json')), { campaigns: {} });
    await db.read();
    expect(db.data.campaigns.c1).toEqual(campaign('c1'));
    store = await openStore({ dataDir: join(dir, 'data') });
  });

  it('should write an audience whose name is "__proto__" like any other', async () => {
    await store.audiences.save({ name: '__proto__', waIds: ['966500000001'], at: T0 });
    await reopen();
    expect((await store.audiences.list()).map((a) => a.name)).toEqual(['__proto__']);
  });

  it('should leave no temp file behind and keep the last of concurrent writes', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.campaigns.saveCampaign(campaign(`c${n}`, T0 + n))));
    await reopen();
    expect((await store.campaigns.list()).map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(readdirSync(join(dir, 'data')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('contact changes', () => {
  it('should apply opt-outs and suppressions in one batch, creating records for strangers, and keep them', async () => {
    await store.contacts.upsert([contact('966500000001'), contact('966500000002')]);
    const report = await store.contacts.apply([
      { waId: '966500000001', at: T0 + 10, change: { kind: 'opt-out', text: 'إيقاف' } },
      { waId: '966500000002', at: T0 + 10, change: { kind: 'suppress', reason: 'not-on-whatsapp', metaCode: 131026 } },
      { waId: '966500000003', at: T0 + 10, change: { kind: 'opt-out', text: 'STOP' } },
      { waId: '966500000004', at: T0 + 10, change: { kind: 'lift-suppression' } },
    ]);
    expect(report).toMatchObject({ created: 1, unknown: ['966500000004'] });
    expect(report.changed.map((c) => c.waId)).toEqual(['966500000001', '966500000002', '966500000003']);
    await reopen();
    expect(await store.contacts.get('966500000001')).toMatchObject({ optOut: { via: 'keyword', text: 'إيقاف', at: T0 + 10 } });
    expect(sendEligibility((await store.contacts.get('966500000002'))!, T0 + 20)).toMatchObject({ ok: false, reason: 'suppressed' });
    expect(sendEligibility((await store.contacts.get('966500000003'))!, T0 + 20)).toMatchObject({ ok: false, reason: 'opted-out' });
    expect(await store.contacts.count()).toBe(3);
  });

  it('should change nothing when one change in the batch is bad', async () => {
    await store.contacts.upsert([contact('966500000001')]);
    await expect(store.contacts.apply([
      { waId: '966500000001', at: T0 + 10, change: { kind: 'opt-out' } },
      { waId: '966500000001', at: T0 + 10, change: { kind: 'suppress', reason: 'because' as never } },
    ])).rejects.toThrow(/suppression reason/);
    expect(await store.contacts.get('966500000001')).toEqual(contact('966500000001'));
  });
});

describe('the audit log and the quality history', () => {
  it('should list the latest audit entries newest first, across a restart', async () => {
    for (let i = 0; i < 30; i += 1) await store.audit.append({ at: T0 + i, who: 'U024BE7LH', what: 'campaign-paused', details: { n: i, note: 'توقف' } });
    await reopen();
    const recent = await store.audit.recent(3);
    expect(recent.map((e) => e.details?.n)).toEqual([29, 28, 27]);
    expect(recent[0]).toEqual({ at: T0 + 29, who: 'U024BE7LH', what: 'campaign-paused', details: { n: 29, note: 'توقف' } });
    expect(await store.audit.recent(100)).toHaveLength(30);
    await expect(store.audit.append({ at: T0, who: '', what: 'x' })).rejects.toThrow(/audit entry: who is ""/);
  });

  it('should keep quality changes in order and filter them', async () => {
    await store.quality.append({ at: T0, subject: 'number', id: 'pn-1', from: 'HIGH', to: 'MEDIUM' });
    await store.quality.append({ at: T0 + 1, subject: 'template', id: 'order_update', language: 'en_US', to: 'LOW', detail: 'RED' });
    await store.quality.append({ at: T0 + 2, subject: 'number', id: 'pn-1', from: 'MEDIUM', to: 'LOW' });
    await reopen();
    expect((await store.quality.list({ subject: 'number', id: 'pn-1' })).map((c) => c.to)).toEqual(['MEDIUM', 'LOW']);
    expect((await store.quality.list({ since: T0 + 1 })).map((c) => c.at)).toEqual([T0 + 1, T0 + 2]);
    await expect(store.quality.append({ at: T0, subject: 'number', id: 'pn-1', to: 'GREEN' as never })).rejects.toThrow(/to is "GREEN"/);
  });

  it('should skip a damaged history line with a warning rather than fail', async () => {
    await store.quality.append({ at: T0, subject: 'number', id: 'pn-1', to: 'MEDIUM' });
    await store.close();
    writeFileSync(join(dir, 'data', 'quality.jsonl'), `${readFileSync(join(dir, 'data', 'quality.jsonl'), 'utf8')}garbage\n{"at":1,"subject":"number","id":"pn-1","to":"LOW"}\n`);
    await reopen();
    expect((await store.quality.list()).map((c) => c.to)).toEqual(['MEDIUM', 'LOW']);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'bad-line', file: 'quality.jsonl', line: 2 })]);
  });
});
