/**
 * An append-only file of JSON lines, durable line by line: `append` resolves only after the bytes
 * are written and fdatasync'd, so a row the caller saw stored survives a crash or a power cut. One
 * append costs O(bytes appended), never O(file size).
 *
 * Appends that arrive while an fsync is in flight are written together by the next one (group
 * commit): each caller still waits for its own bytes to be durable, and the file sees them in call
 * order. Reads, rewrites and appends run one at a time, in the order they were asked for.
 *
 * A crash in the middle of an append can leave a last line without its newline. Such a line was
 * never acknowledged, so nobody acted on it: it is cut off when the file is opened and reported.
 */
import { stat, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replaceFile, syncDir, writeAll } from './durable-fs.ts';
import { asWriteError, closed, errnoCode } from './store-error.ts';
import type { StoreWarning } from './store.ts';

const NEWLINE = 0x0a;
const DEFAULT_CHUNK = 1 << 20;

/** The unfinished last line a crash left behind, removed when the file was opened. */
export interface TornTail {
  readonly file: string;
  /** Where the torn line started (the file's size after the repair). */
  readonly offset: number;
  readonly bytes: number;
  /** Its line number, when known (the file was read before anything was appended after the repair). */
  readonly line?: number;
  readonly preview: string;
}

export function tornWarning(torn: TornTail): StoreWarning {
  const where = torn.line !== undefined ? `line ${torn.line}` : `byte ${torn.offset}`;
  return {
    kind: 'torn-tail', file: torn.file, offset: torn.offset, bytes: torn.bytes, ...(torn.line !== undefined ? { line: torn.line } : {}),
    message: `store: ${torn.file} ${where}: removed an unfinished last line (${torn.bytes} bytes, ${JSON.stringify(torn.preview)}) left by a crash mid-write; it was never acknowledged`,
  };
}

export interface ReadReport {
  readonly lines: number;
  readonly bytes: number;
  /** Present once: on the first read after the repair. */
  readonly torn?: TornTail;
}

export interface LogIO {
  read(visit: (text: string, line: number) => void): Promise<ReadReport>;
  /** Replace the whole file atomically (temp file, fsync, rename, fsync of the directory). */
  replace(lines: Iterable<string>): Promise<{ readonly lines: number; readonly bytes: number }>;
  lastLines(count: number): Promise<string[]>;
}

export interface AppendLogOptions {
  readonly dataDir: string;
  /** The path shown in messages, relative to the data directory, like "ledger/ramadan.jsonl". */
  readonly label: string;
  readonly onTorn?: (torn: TornTail) => void;
  /** Bytes read at a time (default 1 MiB). */
  readonly chunkSize?: number;
}

interface Pending {
  readonly data: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class AppendLog {
  readonly #file: string;
  readonly #options: AppendLogOptions;
  #fh: FileHandle | undefined;
  #size = 0;
  #torn: TornTail | undefined;
  #broken: unknown;
  #chain: Promise<unknown> = Promise.resolve();
  #pending: Pending[] = [];
  #flushScheduled = false;
  #closed = false;
  readonly #chunk: number;

  constructor(file: string, options: AppendLogOptions) {
    this.#file = file;
    this.#options = options;
    this.#chunk = options.chunkSize ?? DEFAULT_CHUNK;
  }

  get label(): string {
    return this.#options.label;
  }

  /** Append one line per string (none may contain a newline); resolves once they are durable. */
  append(lines: readonly string[]): Promise<void> {
    if (this.#closed) return Promise.reject(closed(`append to ${this.label}`));
    if (lines.length === 0) return Promise.resolve();
    const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    return new Promise((resolve, reject) => {
      this.#pending.push({ data, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        this.#run(() => this.#flush()).catch(() => undefined);
      }
    });
  }

  /** Run `fn` alone: no append lands while it reads or rewrites the file. */
  exclusive<T>(fn: (io: LogIO) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closed(`read ${this.label}`));
    return this.#run(() => fn({
      read: (visit) => this.#read(visit),
      replace: (lines) => this.#replace(lines),
      lastLines: (count) => this.#lastLines(count),
    }));
  }

  read(visit: (text: string, line: number) => void): Promise<ReadReport> {
    return this.exclusive((io) => io.read(visit));
  }

  /** Finish what was asked, then release the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#chain;
    await this.#fh?.close();
    this.#fh = undefined;
  }

  #run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(op);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#pending.splice(0);
    if (batch.length === 0) return;
    const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((p) => p.data));
    try {
      if (this.#broken !== undefined) throw this.#broken;
      const fh = await this.#handle();
      await writeAll(fh, data);
      await fh.datasync();
      this.#size += data.length;
      for (const p of batch) p.resolve();
    } catch (error) {
      await this.#rollBack();
      const reported = asWriteError(this.#options.dataDir, error, this.label);
      for (const p of batch) p.reject(reported);
    }
  }

  /** After a failed append, cut the file back to its last durable size so no half line stays behind. */
  async #rollBack(): Promise<void> {
    if (!this.#fh) return;
    try {
      await this.#fh.truncate(this.#size);
      await this.#fh.datasync();
    } catch (error) {
      this.#broken = error;
    }
  }

  #exists(): Promise<boolean> {
    return stat(this.#file).then(() => true, (error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return false;
      throw error;
    });
  }

  async #handle(): Promise<FileHandle> {
    if (this.#fh) return this.#fh;
    const existed = await this.#exists();
    const fh = await open(this.#file, 'a+');
    try {
      if (!existed) await syncDir(dirname(this.#file));
      this.#size = (await fh.stat()).size;
      await this.#repairTail(fh);
    } catch (error) {
      await fh.close();
      throw error;
    }
    this.#fh = fh;
    return fh;
  }

  async #repairTail(fh: FileHandle): Promise<void> {
    if (this.#size === 0) return;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, this.#size - 1);
    if (last[0] === NEWLINE) return;
    let end = this.#size;
    let cut = 0;
    const buf = Buffer.alloc(this.#chunk);
    while (end > 0) {
      const start = Math.max(0, end - this.#chunk);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const at = buf.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (at >= 0) {
        cut = start + at + 1;
        break;
      }
      end = start;
    }
    const head = Buffer.alloc(Math.min(80, this.#size - cut));
    await fh.read(head, 0, head.length, cut);
    await fh.truncate(cut);
    await fh.datasync();
    this.#torn = { file: this.label, offset: cut, bytes: this.#size - cut, preview: head.toString('utf8') };
    this.#size = cut;
    this.#options.onTorn?.(this.#torn);
  }

  async #read(visit: (text: string, line: number) => void): Promise<ReadReport> {
    if (!this.#fh && !(await this.#exists())) return { lines: 0, bytes: 0 };
    const fh = await this.#handle();
    const buf = Buffer.alloc(this.#chunk);
    let carry: Buffer | undefined;
    let position = 0;
    let line = 0;
    while (position < this.#size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(this.#chunk, this.#size - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      let chunk = buf.subarray(0, bytesRead);
      if (carry) {
        chunk = Buffer.concat([carry, chunk]);
        carry = undefined;
      }
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        line += 1;
        visit(chunk.toString('utf8', start, nl), line);
        start = nl + 1;
      }
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
    }
    const torn = this.#torn && (this.#torn.offset === this.#size ? { ...this.#torn, line: line + 1 } : this.#torn);
    this.#torn = undefined;
    return { lines: line, bytes: this.#size, ...(torn ? { torn } : {}) };
  }

  async #replace(lines: Iterable<string>): Promise<{ lines: number; bytes: number }> {
    let count = 0;
    function* withNewlines(): Iterable<string> {
      for (const l of lines) {
        count += 1;
        yield `${l}\n`;
      }
    }
    await this.#handle();
    let bytes: number;
    try {
      bytes = await replaceFile(this.#file, withNewlines());
    } catch (error) {
      throw asWriteError(this.#options.dataDir, error, this.label);
    }
    await this.#fh?.close();
    this.#fh = undefined;
    await this.#handle();
    return { lines: count, bytes };
  }

  async #lastLines(count: number): Promise<string[]> {
    if (!this.#fh && !(await this.#exists())) return [];
    const fh = await this.#handle();
    const found: string[] = [];
    let end = this.#size;
    let tail: Buffer = Buffer.alloc(0);
    const buf = Buffer.alloc(Math.min(this.#chunk, Math.max(this.#size, 1)));
    while (end > 0 && found.length < count) {
      const start = Math.max(0, end - buf.length);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      let chunk = Buffer.concat([buf.subarray(0, bytesRead), tail]);
      end = start;
      // The last byte is the final newline; split on the others from the end.
      let stop = chunk.length - 1;
      while (found.length < count && stop > 0) {
        const nl = chunk.lastIndexOf(NEWLINE, stop - 1);
        if (nl < 0) break;
        found.push(chunk.toString('utf8', nl + 1, stop));
        stop = nl;
      }
      chunk = chunk.subarray(0, stop + 1);
      if (end === 0 && found.length < count && stop > 0) found.push(chunk.toString('utf8', 0, stop));
      tail = Buffer.from(chunk);
    }
    return found.reverse();
  }
}
