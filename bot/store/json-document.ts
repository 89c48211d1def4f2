/**
 * One lowdb document per file. lowdb's own JSONFile writes through steno (temp file + rename) but
 * never fsyncs, so after a power cut a renamed file can come back empty or old; this adapter does
 * the same temp + rename with an fsync of the file and of its directory, so a write that resolved
 * (an opt-out, a paused campaign) stays written. Like steno, writes that pile up while one is in
 * flight collapse into one write of the latest data.
 *
 * lowdb rewrites the whole file on every write: callers change `data` in memory and write once
 * per operation (one write per CSV import, not one per contact).
 * https://github.com/typicode/lowdb#adapters
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { replaceFile } from './durable-fs.ts';
import { asWriteError, corrupt, errnoCode } from './store-error.ts';

export class DurableJsonFile<T> implements Adapter<T> {
  readonly #file: string;
  readonly #label: string;
  readonly #dataDir: string;
  readonly #pretty: boolean;
  #chain: Promise<unknown> = Promise.resolve();
  #latest: string | undefined;

  constructor(dataDir: string, name: string, options: { readonly pretty?: boolean } = {}) {
    this.#dataDir = dataDir;
    this.#label = name;
    this.#file = join(dataDir, name);
    this.#pretty = options.pretty ?? false;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw corrupt(this.#label, `not valid JSON (${(error as Error).message})`);
    }
  }

  /** Serialises now (later changes to `data` are not this write's), writes in order. */
  write(data: T): Promise<void> {
    this.#latest = this.#pretty ? JSON.stringify(data, null, 2) : JSON.stringify(data);
    const result = this.#chain.then(async () => {
      const text = this.#latest;
      if (text === undefined) return;
      this.#latest = undefined;
      try {
        await replaceFile(this.#file, [text]);
      } catch (error) {
        this.#latest ??= text;
        throw asWriteError(this.#dataDir, error, this.#label);
      }
    });
    this.#chain = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every write asked for so far has ended. */
  settled(): Promise<unknown> {
    return this.#chain;
  }
}

export interface Document<T> {
  readonly db: Low<T>;
  readonly adapter: DurableJsonFile<T>;
}

/**
 * Open `name` in the data directory, or start from `defaults` when it does not exist yet. `check`
 * names what is wrong with the file's shape (a hand edit, another program's file), or undefined.
 */
export async function openDocument<T>(dataDir: string, name: string, defaults: T, check: (data: unknown) => string | undefined, options: { readonly pretty?: boolean } = {}): Promise<Document<T>> {
  const adapter = new DurableJsonFile<T>(dataDir, name, options);
  const db = new Low<T>(adapter, defaults);
  await db.read();
  const problem = db.data === defaults ? undefined : check(db.data);
  if (problem !== undefined) throw corrupt(name, problem);
  return { db, adapter };
}
