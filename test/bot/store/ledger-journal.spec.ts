import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CampaignLedger } from '../../../core/campaign-ledger.ts';
import { ENTRY_STATES, keyId, type EntryStep, type LedgerEntry, type LedgerKey } from '../../../core/ledger-entry.ts';
import { DAY, MINUTE } from '../../../core/time.ts';
import { openStore, type Store, type StoreWarning } from '../../../bot/store/store.ts';
import { StoreError } from '../../../bot/store/store-error.ts';

const T0 = 1_760_000_000_000;
const key = (campaignId: string, n: number, messageKey = 'm1'): LedgerKey => ({ campaignId, waId: `9665${String(n).padStart(8, '0')}`, messageKey });

function entryOf(step: EntryStep): LedgerEntry {
  if (!step.ok) throw new Error(step.refusal.message);
  return step.entry;
}

/** One row in each of the ledger's eight states, written in the order the runner would write them. */
function rowsInEveryState(campaignId: string): LedgerEntry[] {
  const l = new CampaignLedger();
  const rows: LedgerEntry[] = [];
  const w = (step: EntryStep) => rows.push(entryOf(step));
  const k = (n: number) => key(campaignId, n);
  for (let n = 1; n <= 8; n += 1) w(l.add(k(n), T0));
  w(l.beginSend(k(2), 's2', T0 + 1));
  w(l.beginSend(k(3), 's3', T0 + 1));
  w(l.recordAccepted('s3', 'wamid.3', T0 + 2));
  const delivered = l.applyStatus({ wamid: 'wamid.3', status: 'delivered', at: T0 + 3 });
  if (delivered.kind !== 'applied') throw new Error(`expected the status to apply, got ${delivered.kind}`);
  rows.push(delivered.entry);
  w(l.beginSend(k(4), 's4', T0 + 1));
  w(l.recordMaybeSent('s4', T0 + 2));
  w(l.beginSend(k(5), 's5', T0 + 1));
  w(l.recordNotSent('s5', T0 + 2, { kind: 'retry', retryAt: T0 + MINUTE, reason: 'throttled', metaCode: 130429 }));
  w(l.beginSend(k(6), 's6', T0 + 1));
  w(l.recordNotSent('s6', T0 + 2, { kind: 'final', reason: 'invalid-parameter', metaCode: 131008, explanation: 'a required parameter is missing' }));
  w(l.skip(k(7), 'opted-out', T0 + 1, 'replied STOP'));
  w(l.beginSend(k(8), 's8', T0 + 1));
  w(l.recordMaybeSent('s8', T0 + 2));
  rows.push(...l.expireMaybeSent(T0 + 8 * DAY, 7 * DAY).entries.filter((e) => e.key.waId === k(8).waId));
  return rows;
}

const lastPerKey = (rows: readonly LedgerEntry[]): LedgerEntry[] => [...new Map(rows.map((r) => [keyId(r.key), r])).values()];

let dir: string;
let store: Store;
let warnings: StoreWarning[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-ledger-'));
  warnings = [];
  store = await openStore({ dataDir: dir, onWarning: (w) => warnings.push(w) });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reopen(): Promise<Store> {
  await store.close();
  store = await openStore({ dataDir: dir, onWarning: (w) => warnings.push(w) });
  return store;
}

const journal = (campaignId: string) => join(dir, 'ledger', `${campaignId}.jsonl`);

describe('the ledger journal round trip', () => {
  it('should give back every state, the last write per key, after a restart', async () => {
    const rows = rowsInEveryState('c1');
    await store.ledger.write(rows);
    await reopen();
    const loaded = await store.ledger.load('c1');
    expect(new Set(loaded.map((e) => e.state))).toEqual(new Set(ENTRY_STATES));
    expect(loaded).toEqual(lastPerKey(rows));
    expect(CampaignLedger.fromEntries(loaded).checkInvariants()).toEqual([]);
  });

  it('should keep the last line per key, not the first or the most advanced', async () => {
    const k = key('c1', 1);
    const l = new CampaignLedger();
    const added = entryOf(l.add(k, T0));
    const intent = entryOf(l.beginSend(k, 's1', T0 + 1));
    await store.ledger.write([added]);
    await store.ledger.write([intent]);
    await store.ledger.write([added]);
    expect(await store.ledger.load('c1')).toEqual([added]);
  });

  it('should keep campaigns apart, one journal each', async () => {
    await store.ledger.write([...rowsInEveryState('a'), ...rowsInEveryState('b')]);
    expect((await store.ledger.load('a')).every((e) => e.key.campaignId === 'a')).toBe(true);
    expect(await store.ledger.campaignIds()).toEqual(['a', 'b']);
    expect(await store.ledger.load('never-written')).toEqual([]);
  });

  it('should write concurrent batches in call order', async () => {
    const k = key('c1', 1);
    const l = new CampaignLedger();
    const steps = [entryOf(l.add(k, T0)), entryOf(l.beginSend(k, 's1', T0 + 1)), entryOf(l.recordAccepted('s1', 'wamid.1', T0 + 2))];
    await Promise.all(steps.map((s) => store.ledger.write([s])));
    expect(await store.ledger.load('c1')).toEqual([steps[2]]);
    expect(readFileSync(journal('c1'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).state)).toEqual(['pending', 'intent', 'accepted']);
  });

  it('should refuse a row that is not a ledger row, or a campaign id that is not a file name', async () => {
    await expect(store.ledger.write([{ key: { campaignId: 'c1', waId: '12', messageKey: 'm1' } } as unknown as LedgerEntry])).rejects.toThrow(/ledger row: ledger key waId/);
    await expect(store.ledger.write([{ ...rowsInEveryState('c1')[0]!, key: { campaignId: '../etc', waId: '966500000001', messageKey: 'm1' } }])).rejects.toThrow(/ledger campaign id/);
    await expect(store.ledger.load('../x')).rejects.toThrow(/ledger campaign id/);
  });
});

describe('the ledger journal on disk', () => {
  it('should have the rows in the file, synced, before write resolves', async () => {
    const rows = rowsInEveryState('c1').slice(0, 3);
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = proto.datasync;
    const spy = vi.spyOn(proto, 'datasync').mockImplementation(async function (this: unknown) {
      await gate;
      return original.call(this);
    });
    try {
      let resolved = false;
      const pending = store.ledger.write(rows).then(() => (resolved = true));
      await vi.waitFor(() => expect(spy).toHaveBeenCalled());
      expect(resolved).toBe(false);
      release();
      await pending;
      expect(resolved).toBe(true);
    } finally {
      spy.mockRestore();
    }
    const expected = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    expect(readFileSync(journal('c1'), 'utf8')).toBe(expected);
  });

  it('should append the same bytes per row to a campaign of 100 rows as to one of 20,000', async () => {
    const fill = async (campaignId: string, n: number) => {
      const rows = Array.from({ length: n }, (_, i) => entryOf(new CampaignLedger().add(key(campaignId, i + 1), T0)));
      await store.ledger.write(rows);
    };
    await fill('small', 100);
    await fill('large', 20_000);
    const SENDS = 20;
    const appendSends = async (campaignId: string): Promise<{ appended: number; rowBytes: number }> => {
      const before = statSync(journal(campaignId)).size;
      const l = new CampaignLedger();
      let rowBytes = 0;
      const write = async (row: LedgerEntry) => {
        rowBytes += Buffer.byteLength(JSON.stringify(row)) + 1;
        await store.ledger.write([row]);
      };
      for (let i = 0; i < SENDS; i += 1) {
        const k = key(campaignId, 90_000_000 + i);
        entryOf(l.add(k, T0));
        // The runner writes the intent, sends, then writes the message id: two durable writes per send.
        const sendId = `${campaignId}-${String(i).padStart(6, '0')}`;
        await write(entryOf(l.beginSend(k, sendId, T0 + 1)));
        await write(entryOf(l.recordAccepted(sendId, `wamid.${String(i).padStart(8, '0')}`, T0 + 2)));
      }
      return { appended: statSync(journal(campaignId)).size - before, rowBytes };
    };
    const small = await appendSends('small');
    const large = await appendSends('large');
    expect(small.appended).toBe(small.rowBytes);
    expect(large).toEqual(small);
    expect((await store.ledger.replay('large')).lines).toBe(20_000 + 2 * SENDS);
  });
});

describe('the ledger journal after a crash', () => {
  it('should drop a torn last line, report it as a warning, and cut it from the file', async () => {
    const rows = rowsInEveryState('c1');
    await store.ledger.write(rows);
    await store.close();
    const intact = statSync(journal('c1')).size;
    const torn = JSON.stringify(rows[1]).slice(0, 37);
    appendFileSync(journal('c1'), torn);
    await reopen();
    const replay = await store.ledger.replay('c1');
    expect(replay.entries).toEqual(lastPerKey(rows));
    expect(replay.warnings).toEqual([expect.objectContaining({ kind: 'torn-tail', file: 'ledger/c1.jsonl', offset: intact, bytes: torn.length, line: rows.length + 1 })]);
    expect(replay.warnings[0]!.message).toMatch(/unfinished last line/);
    expect(warnings.some((w) => w.kind === 'torn-tail')).toBe(true);
    expect(statSync(journal('c1')).size).toBe(intact);
    const more = entryOf(new CampaignLedger().add(key('c1', 99), T0));
    await store.ledger.write([more]);
    await reopen();
    expect(await store.ledger.replay('c1')).toMatchObject({ warnings: [], lines: rows.length + 1 });
  });

  it('should repair a torn tail before appending when the first thing after a restart is a write', async () => {
    await store.ledger.write(rowsInEveryState('c1').slice(0, 2));
    await store.close();
    appendFileSync(journal('c1'), '{"key":{"camp');
    await reopen();
    const more = entryOf(new CampaignLedger().add(key('c1', 99), T0));
    await store.ledger.write([more]);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'torn-tail', bytes: 13 })]);
    expect((await store.ledger.load('c1')).at(-1)).toEqual(more);
  });

  it('should refuse to guess at a bad line in the middle, naming its line', async () => {
    const rows = rowsInEveryState('c1');
    await store.ledger.write(rows);
    await store.close();
    const lines = readFileSync(journal('c1'), 'utf8').split('\n');
    lines[2] = lines[2]!.slice(0, 20);
    lines[5] = '{"key":{"campaignId":"c1","waId":"966500000001","messageKey":"m1"},"state":"sent"}';
    writeFileSync(journal('c1'), lines.join('\n'));
    await reopen();
    const error = await store.ledger.load('c1').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'WA_STORE_CORRUPT', details: { file: 'ledger/c1.jsonl', lines: [{ line: 3 }, { line: 6 }] } });
    expect((error as Error).message).toMatch(/^store: ledger\/c1\.jsonl: line 3: not valid JSON .*; line 6: state "sent" is not one of/);
  });

  it('should refuse a row of another campaign in a journal', async () => {
    await store.ledger.write(rowsInEveryState('c1').slice(0, 1));
    await store.close();
    appendFileSync(journal('c1'), `${JSON.stringify(rowsInEveryState('c2')[0])}\n`);
    await reopen();
    await expect(store.ledger.load('c1')).rejects.toThrow(/line 2: a row of campaign "c2" in the journal of "c1"/);
  });
});

describe('ledger compaction', () => {
  it('should rewrite the journal to one line per key and keep every live row', async () => {
    const rows = rowsInEveryState('c1');
    await store.ledger.write(rows);
    await store.ledger.write(rows);
    const before = await store.ledger.replay('c1');
    const result = await store.ledger.compact('c1');
    expect(result).toMatchObject({ compacted: true, linesBefore: rows.length * 2, linesAfter: 8 });
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(statSync(journal('c1')).size).toBe(result.bytesAfter);
    await reopen();
    expect(await store.ledger.load('c1')).toEqual(before.entries);
    const more = entryOf(new CampaignLedger().add(key('c1', 99), T0));
    await store.ledger.write([more]);
    expect(await store.ledger.load('c1')).toEqual([...before.entries, more]);
  });

  it('should leave a journal alone while it is not much larger than its live rows', async () => {
    const rows = rowsInEveryState('c1');
    await store.ledger.write(lastPerKey(rows));
    const size = statSync(journal('c1')).size;
    expect(await store.ledger.compact('c1')).toMatchObject({ compacted: false, linesBefore: 8, linesAfter: 8 });
    expect(statSync(journal('c1')).size).toBe(size);
    await expect(store.ledger.compact('c1', { minRatio: 0.5 })).rejects.toThrow(/minRatio/);
  });

  it('should not lose rows written while compaction runs', async () => {
    const rows = rowsInEveryState('c1');
    await store.ledger.write([...rows, ...rows]);
    const more = entryOf(new CampaignLedger().add(key('c1', 99), T0));
    await Promise.all([store.ledger.compact('c1'), store.ledger.write([more])]);
    expect(await store.ledger.load('c1')).toEqual([...lastPerKey(rows), more]);
  });
});
