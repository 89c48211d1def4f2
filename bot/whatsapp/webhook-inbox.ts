/**
 * The durable inbox between "Meta got its 200" and "the bot acted on the update". A webhook body
 * is appended to a JSON-lines journal and fsync'd before the receiver answers, so nothing accepted
 * is lost if the process stops right after; a consumer then parses and hands events to the
 * subscriber off the response path, records how far it got, and on restart replays the rest.
 *
 * Journal: `segment-<n>.jsonl` files, one `{"receivedAt","body"}` line per delivery, a new segment
 * per start and per `maxSegmentBytes` (a torn last line is never appended to). `cursor.json` holds
 * the segment and byte offset processed so far; segments before it are deleted.
 *
 * Delivery to the subscriber is at least once: a crash between handing over an event and saving
 * the cursor replays it. Duplicates (Meta's and replays alike) are dropped by `dedupeKey` through a
 * bounded seen-set, rebuilt at start from the processed part of the current segment; a subscriber
 * must still tolerate a rare repeat (core's status merge and opt-out are idempotent).
 */
import { mkdir, open, readdir, readFile, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, invalidArgument } from '../../core/errors.ts';
import type { WebhookEvent } from '../../core/webhook-event.ts';
import { parseWebhookPayload } from '../../core/webhook-parser.ts';
import { silentLogger, type Logger } from '../log.ts';
import { SeenKeys } from './seen-keys.ts';

export interface WebhookInboxOptions {
  /** The inbox's own directory (created if missing), e.g. `<data dir>/webhook-inbox`. */
  readonly dir: string;
  /** Receives each event once, in arrival order; may be async. A throw is retried, then dead-lettered. */
  readonly onEvent: (event: WebhookEvent) => void | Promise<void>;
  readonly logger?: Logger;
  readonly maxSegmentBytes?: number;
  readonly seenCapacity?: number;
  /** Waits between attempts when the subscriber throws; after the last, the event is dead-lettered. */
  readonly retryDelaysMs?: readonly number[];
  /**
   * Hand each event of a delivery over as soon as the previous one was handed over, without
   * waiting for it to finish (still in order; the cursor moves once all of them finished). For a
   * subscriber that applies an event when called and then only waits for its write to be durable:
   * the writes of one delivery then share one fsync instead of taking one each. Default false.
   */
  readonly pipelined?: boolean;
}

interface Entry { readonly segment: number; readonly end: number; readonly body: string; readonly receivedAt: number }
interface Waiting { readonly line: Buffer; readonly body: string; readonly receivedAt: number; resolve(): void; reject(error: unknown): void }
interface Cursor { readonly segment: number; readonly offset: number }

const SEGMENT_RE = /^segment-(\d{6,})\.jsonl$/;
const segmentName = (n: number) => `segment-${String(n).padStart(6, '0')}.jsonl`;
const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
const DEFAULT_RETRY_DELAYS_MS = [100, 1_000, 5_000, 30_000];

class Stopped extends Error {}

export class WebhookInbox {
  readonly dir: string;
  readonly #onEvent: WebhookInboxOptions['onEvent'];
  readonly #log: Logger;
  readonly #maxSegmentBytes: number;
  readonly #retryDelays: readonly number[];
  readonly #pipelined: boolean;
  readonly #seen: SeenKeys;
  readonly #entries: Entry[] = [];
  readonly #waiting: Waiting[] = [];
  readonly #segments = new Set<number>();
  readonly #idle: (() => void)[] = [];
  #handle: FileHandle | undefined;
  #segment = 0;
  #size = 0;
  #cursor: Cursor = { segment: 0, offset: 0 };
  /** Set and cleared inside `#flush` itself, so an append right after the last write starts a new one. */
  #flushRunning = false;
  #flushDone: Promise<void> = Promise.resolve();
  #consuming = false;
  #cursorWrite: Promise<void> | undefined;
  #cursorDirty = false;
  #closed = false;
  #duplicates = 0;

  private constructor(options: WebhookInboxOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw invalidArgument('webhook inbox dir', `got ${describe(options.dir)}, expected a directory path`);
    if (typeof options.onEvent !== 'function') throw invalidArgument('webhook inbox onEvent', 'expected a function that receives each event');
    this.dir = options.dir;
    this.#onEvent = options.onEvent;
    this.#log = options.logger ?? silentLogger();
    this.#maxSegmentBytes = options.maxSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#pipelined = options.pipelined ?? false;
    this.#seen = new SeenKeys(options.seenCapacity ?? 100_000);
  }

  /** Open the inbox, queue what a previous run accepted but did not process, and start consuming. */
  static async open(options: WebhookInboxOptions): Promise<WebhookInbox> {
    const inbox = new WebhookInbox(options);
    await inbox.#recover();
    return inbox;
  }

  /** Resolves once the body is on disk (fsync'd); only then may the receiver answer 200. */
  append(body: string, receivedAt: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('webhook inbox is closed'));
    const line = Buffer.from(`${JSON.stringify({ receivedAt, body })}\n`, 'utf8');
    return new Promise((resolve, reject) => {
      this.#waiting.push({ line, body, receivedAt, resolve, reject });
      if (!this.#flushRunning) this.#flushDone = this.#flush();
    });
  }

  /** Resolves when everything appended so far has been handed to the subscriber. */
  async drained(): Promise<void> {
    while (this.#flushRunning) await this.#flushDone;
    if (this.#entries.length === 0 && !this.#consuming) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  get backlog(): number {
    return this.#entries.length + this.#waiting.length;
  }

  get duplicatesDropped(): number {
    return this.#duplicates;
  }

  /** Stop consuming after the current event, save the cursor, close the journal. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushRunning) await this.#flushDone;
    while (this.#cursorWrite) await this.#cursorWrite;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  async #recover(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#cursor = await this.#readCursor();
    const found = (await readdir(this.dir)).map((f) => SEGMENT_RE.exec(f)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
    for (const n of found) {
      if (n < this.#cursor.segment) {
        await unlink(join(this.dir, segmentName(n))).catch(() => undefined);
        continue;
      }
      this.#segments.add(n);
      const data = await readFile(join(this.dir, segmentName(n)));
      const start = n === this.#cursor.segment ? Math.min(this.#cursor.offset, data.length) : 0;
      if (start > 0) this.#remember(data.subarray(0, start));
      this.#entries.push(...this.#lines(data, start, n));
    }
    if (this.#entries.length > 0) this.#log.info({ entries: this.#entries.length }, 'webhook inbox replaying unprocessed deliveries');
    await this.#openSegment(Math.max(this.#cursor.segment, ...found, 0) + 1);
    void this.#consume();
  }

  async #readCursor(): Promise<Cursor> {
    try {
      const json = JSON.parse(await readFile(join(this.dir, 'cursor.json'), 'utf8')) as Partial<Cursor>;
      if (Number.isSafeInteger(json.segment) && Number.isSafeInteger(json.offset)) return { segment: json.segment!, offset: json.offset! };
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') this.#log.warn({ err: error }, 'webhook inbox cursor unreadable: replaying every segment');
    }
    return { segment: 0, offset: 0 };
  }

  /** Complete lines from `start`; a last line without its newline was never acknowledged, so it is dropped. */
  #lines(data: Buffer, start: number, segment: number): Entry[] {
    const out: Entry[] = [];
    for (let from = start, nl = data.indexOf(10, from); nl !== -1; from = nl + 1, nl = data.indexOf(10, from)) {
      try {
        const { receivedAt, body } = JSON.parse(data.toString('utf8', from, nl)) as { receivedAt: number; body: string };
        if (typeof body === 'string') out.push({ segment, end: nl + 1, body, receivedAt: Number(receivedAt) });
      } catch {
        this.#log.error({ segment, offset: from }, 'webhook inbox line unreadable, skipped');
      }
    }
    return out;
  }

  #remember(processed: Buffer): void {
    for (const entry of this.#lines(processed, 0, 0)) {
      try {
        for (const event of parseWebhookPayload(JSON.parse(entry.body)).events) this.#seen.add(event.dedupeKey);
      } catch {
        // an unreadable body produced no events then either
      }
    }
  }

  async #openSegment(n: number): Promise<void> {
    await this.#handle?.close();
    this.#handle = await open(join(this.dir, segmentName(n)), 'a');
    this.#segment = n;
    this.#size = 0;
    this.#segments.add(n);
    await syncDir(this.dir);
  }

  /** Group commit: every body that arrived during the previous write goes out in one write and one fsync. */
  async #flush(): Promise<void> {
    this.#flushRunning = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0);
      const data = Buffer.concat(batch.map((w) => w.line));
      try {
        if (this.#size > 0 && this.#size + data.length > this.#maxSegmentBytes) await this.#openSegment(this.#segment + 1);
        const handle = this.#handle!;
        for (let written = 0; written < data.length;) written += (await handle.write(data, written, data.length - written)).bytesWritten;
        await handle.datasync();
      } catch (error) {
        this.#log.error({ err: error, deliveries: batch.length }, 'webhook inbox write failed');
        for (const w of batch) w.reject(error);
        // Never append after a torn write: the next body would be glued to half a line.
        await this.#openSegment(this.#segment + 1).catch((e: unknown) => this.#log.error({ err: e }, 'webhook inbox cannot open a new segment'));
        continue;
      }
      let end = this.#size;
      for (const w of batch) {
        end += w.line.length;
        this.#entries.push({ segment: this.#segment, end, body: w.body, receivedAt: w.receivedAt });
        w.resolve();
      }
      this.#size = end;
      void this.#consume();
    }
    // Cleared in the same turn as the last waiter was resolved, before its caller can append again.
    this.#flushRunning = false;
  }

  async #consume(): Promise<void> {
    if (this.#consuming) return;
    this.#consuming = true;
    try {
      while (!this.#closed && this.#entries.length > 0) {
        const entry = this.#entries[0]!;
        await this.#process(entry);
        this.#entries.shift();
        this.#cursor = { segment: entry.segment, offset: entry.end };
        this.#saveCursor();
      }
    } catch (error) {
      if (!(error instanceof Stopped)) this.#log.error({ err: error }, 'webhook inbox consumer stopped');
    } finally {
      this.#consuming = false;
      if (this.#entries.length === 0 || this.#closed) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  async #process(entry: Entry): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(entry.body);
    } catch {
      return void this.#log.error({ segment: entry.segment, end: entry.end }, 'webhook inbox body is not JSON, skipped');
    }
    const { events, problems } = parseWebhookPayload(json, Number.isFinite(entry.receivedAt) ? { receivedAt: entry.receivedAt } : {});
    if (problems.length > 0) this.#log.warn({ problems: problems.slice(0, 20), count: problems.length }, 'webhook updates skipped');
    if (this.#pipelined) return this.#processPipelined(events);
    for (const event of events) {
      if (this.#seen.has(event.dedupeKey)) {
        this.#duplicates++;
        continue;
      }
      await this.#deliver(event);
      this.#seen.add(event.dedupeKey);
    }
  }

  async #processPipelined(events: readonly WebhookEvent[]): Promise<void> {
    const started: Promise<void>[] = [];
    const keys = new Set<string>();
    for (const event of events) {
      if (this.#seen.has(event.dedupeKey) || keys.has(event.dedupeKey)) {
        this.#duplicates++;
        continue;
      }
      keys.add(event.dedupeKey);
      // #deliver calls the subscriber before its first await: hand-overs happen in order, here.
      started.push(this.#deliver(event));
    }
    await Promise.all(started);
    for (const key of keys) this.#seen.add(key);
  }

  async #deliver(event: WebhookEvent): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.#closed) throw new Stopped();
      try {
        return await this.#onEvent(event);
      } catch (error) {
        const delay = this.#retryDelays[attempt];
        if (delay === undefined) return this.#deadLetter(event, error);
        this.#log.error({ err: error, dedupeKey: event.dedupeKey, attempt: attempt + 1, retryInMs: delay }, 'webhook subscriber failed');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #deadLetter(event: WebhookEvent, error: unknown): Promise<void> {
    this.#log.error({ err: error, dedupeKey: event.dedupeKey }, 'webhook event dead-lettered after repeated subscriber failures');
    const line = `${JSON.stringify({ event, error: error instanceof Error ? error.message : String(error) })}\n`;
    const handle = await open(join(this.dir, 'dead-letter.jsonl'), 'a');
    try {
      await handle.write(line);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Coalesced: one write in flight at a time, the latest cursor wins. */
  #saveCursor(): void {
    this.#cursorDirty = true;
    this.#cursorWrite ??= (async () => {
      while (this.#cursorDirty) {
        this.#cursorDirty = false;
        const cursor = this.#cursor;
        const file = join(this.dir, 'cursor.json');
        try {
          await writeFile(`${file}.tmp`, JSON.stringify(cursor));
          await rename(`${file}.tmp`, file);
          for (const n of [...this.#segments]) {
            if (n >= cursor.segment) continue;
            this.#segments.delete(n);
            await unlink(join(this.dir, segmentName(n))).catch(() => undefined);
          }
        } catch (error) {
          this.#log.error({ err: error }, 'webhook inbox cursor not saved (deliveries may replay after a restart)');
        }
      }
    })().finally(() => (this.#cursorWrite = undefined));
  }
}

/** Make a new file's directory entry durable too (a no-op where directories cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported on this platform
  } finally {
    await handle?.close();
  }
}
