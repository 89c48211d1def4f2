import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppendLog, type TornTail } from '../../../bot/store/append-log.ts';
import { StoreError } from '../../../bot/store/store-error.ts';

const root = mkdtempSync(join(tmpdir(), 'store-append-log-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const freshFile = () => join(root, `log-${(runs += 1)}.jsonl`);

const lineArb = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s));
const batchesArb = fc.array(fc.array(lineArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });

async function readAll(log: AppendLog): Promise<{ lines: string[]; torn?: TornTail }> {
  const lines: string[] = [];
  const report = await log.read((text) => lines.push(text));
  return { lines, ...(report.torn ? { torn: report.torn } : {}) };
}

describe('an append log cut by a crash at any byte', () => {
  it('should give back exactly the lines that were complete, and report the rest as torn', async () => {
    await fc.assert(fc.asyncProperty(batchesArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 3, max: 64 }), async (batches, where, chunkSize) => {
      const file = freshFile();
      const log = new AppendLog(file, { dataDir: root, label: 'log', chunkSize });
      for (const batch of batches) await log.append(batch);
      await log.close();
      const size = statSync(file).size;
      const cut = Math.floor(where * size);
      truncateSync(file, cut);
      const bytes = readFileSync(file);
      const complete = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1).toString('utf8');
      const expected = complete === '' ? [] : complete.slice(0, -1).split('\n');
      const reopened = new AppendLog(file, { dataDir: root, label: 'log', chunkSize });
      const { lines, torn } = await readAll(reopened);
      expect(lines).toEqual(expected);
      expect(lines).toEqual(batches.flat().slice(0, lines.length));
      if (cut === Buffer.byteLength(complete)) expect(torn).toBeUndefined();
      else expect(torn).toMatchObject({ offset: Buffer.byteLength(complete), bytes: cut - Buffer.byteLength(complete), line: lines.length + 1 });
      await reopened.append(['"after"']);
      expect((await readAll(reopened)).lines).toEqual([...expected, '"after"']);
      await reopened.close();
    }), { numRuns: 150 });
  });
});

describe('reading the end of an append log', () => {
  it('should return the last lines in order, whatever the chunk boundaries', async () => {
    await fc.assert(fc.asyncProperty(batchesArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 }), async (batches, count, chunkSize) => {
      const log = new AppendLog(freshFile(), { dataDir: root, label: 'log', chunkSize });
      for (const batch of batches) await log.append(batch);
      expect(await log.exclusive((io) => io.lastLines(count))).toEqual(batches.flat().slice(-count));
      await log.close();
    }), { numRuns: 150 });
  });
});

describe('an append that fails half way', () => {
  it('should cut the half-written bytes off, reject with the reason, and keep appending afterwards', async () => {
    const file = freshFile();
    const log = new AppendLog(file, { dataDir: '/data', label: 'ledger/c1.jsonl' });
    await log.append(['"one"']);
    const probe = await open(join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<{ bytesWritten: number }> };
    await probe.close();
    const original = proto.write;
    const spy = vi.spyOn(proto, 'write').mockImplementationOnce(async function (this: unknown, data: unknown, offset: unknown, length: unknown) {
      await original.call(this, data, offset, Math.floor((length as number) / 2), null);
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    try {
      const error = await log.append(['"two, which will not fit"']).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toBe('store: cannot write to ledger/c1.jsonl in /data (ENOSPC); free some space or set DATA_DIR to another disk');
    } finally {
      spy.mockRestore();
    }
    expect(readFileSync(file, 'utf8')).toBe('"one"\n');
    await log.append(['"three"']);
    expect((await readAll(log)).lines).toEqual(['"one"', '"three"']);
    await log.close();
    await expect(log.append(['"four"'])).rejects.toMatchObject({ code: 'WA_STORE_CLOSED' });
  });
});
