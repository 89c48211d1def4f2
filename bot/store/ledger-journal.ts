/**
 * The per-recipient ledger as one append-only journal per campaign, `ledger/<campaignId>.jsonl`:
 * every `write` appends one JSON line per row and fsyncs before it resolves, so the runner can
 * write a send's intent, then send. A send costs the bytes of its own rows, whatever the
 * campaign's size (a lowdb document would be rewritten whole on every send: ~16 ms at 10k rows).
 *
 * Replaying keeps the last line per key. A torn last line (a crash mid-append) is cut off and
 * reported as a warning: it was never acknowledged, so no send followed it. A bad line anywhere
 * else is never guessed at: the replay fails and names every bad line, because dropping a row
 * could let a recipient be sent to twice.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CAMPAIGN_ID_RE } from '../../core/campaign.ts';
import { describe, invalidArgument } from '../../core/errors.ts';
import { ENTRY_STATES, keyId, parseLedgerKey, type LedgerEntry } from '../../core/ledger-entry.ts';
import { AppendLog, tornWarning } from './append-log.ts';
import { closed, corrupt, type CorruptLine } from './store-error.ts';
import type { CompactionResult, LedgerJournal, LedgerReplay, StoreWarning } from './store.ts';

const STATES: ReadonlySet<string> = new Set(ENTRY_STATES);
const DEFAULT_MIN_RATIO = 2;
const CORRUPT_FIX = 'a bad line inside a ledger journal is never skipped (the row it held could be sent twice); restore the file from a backup, or remove that line by hand so the row falls back to its previous state, then restart';

export class JsonlLedger implements LedgerJournal {
  readonly #dataDir: string;
  readonly #dir: string;
  readonly #onWarning: (warning: StoreWarning) => void;
  readonly #logs = new Map<string, AppendLog>();
  #closed = false;

  constructor(dataDir: string, onWarning: (warning: StoreWarning) => void = () => undefined) {
    this.#dataDir = dataDir;
    this.#dir = join(dataDir, 'ledger');
    this.#onWarning = onWarning;
  }

  async write(rows: readonly LedgerEntry[]): Promise<void> {
    if (this.#closed) throw closed('ledger write');
    if (!Array.isArray(rows)) throw invalidArgument('ledger write', `got ${describe(rows)}, expected an array of ledger rows`);
    const byCampaign = new Map<string, string[]>();
    for (const row of rows) {
      const campaignId = checkRow(row);
      const lines = byCampaign.get(campaignId);
      if (lines) lines.push(JSON.stringify(row));
      else byCampaign.set(campaignId, [JSON.stringify(row)]);
    }
    await Promise.all([...byCampaign].map(([campaignId, lines]) => this.#log(campaignId).append(lines)));
  }

  async load(campaignId: string): Promise<readonly LedgerEntry[]> {
    return (await this.replay(campaignId)).entries;
  }

  async replay(campaignId: string): Promise<LedgerReplay> {
    if (this.#closed) throw closed('ledger load');
    const log = this.#log(campaignId);
    return log.exclusive(async (io) => {
      const rows = new Map<string, LedgerEntry>();
      const bad: CorruptLine[] = [];
      const report = await io.read((text, line) => {
        if (text.trim() === '') return;
        const row = parseRow(text, campaignId);
        if (typeof row === 'string') bad.push({ line, problem: row });
        else rows.set(keyId(row.key), row);
      });
      if (bad.length > 0) throw corrupt(log.label, `${bad.length} bad lines`, bad, CORRUPT_FIX);
      return { entries: [...rows.values()], lines: report.lines, bytes: report.bytes, warnings: report.torn ? [tornWarning(report.torn)] : [] };
    });
  }

  async compact(campaignId: string, options: { readonly minRatio?: number } = {}): Promise<CompactionResult> {
    if (this.#closed) throw closed('ledger compact');
    const minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
    if (typeof minRatio !== 'number' || !(minRatio >= 1)) throw invalidArgument('ledger compact minRatio', `got ${describe(minRatio)}, expected a number >= 1 (lines per live row)`);
    const log = this.#log(campaignId);
    return log.exclusive(async (io) => {
      const rows = new Map<string, string>();
      const bad: CorruptLine[] = [];
      const before = await io.read((text, line) => {
        if (text.trim() === '') return;
        const row = parseRow(text, campaignId);
        if (typeof row === 'string') bad.push({ line, problem: row });
        else rows.set(keyId(row.key), text);
      });
      if (bad.length > 0) throw corrupt(log.label, `${bad.length} bad lines`, bad, CORRUPT_FIX);
      const unchanged = { compacted: false, linesBefore: before.lines, linesAfter: before.lines, bytesBefore: before.bytes, bytesAfter: before.bytes };
      if (rows.size === before.lines || before.lines < minRatio * rows.size) return unchanged;
      const after = await io.replace(rows.values());
      return { compacted: true, linesBefore: before.lines, linesAfter: after.lines, bytesBefore: before.bytes, bytesAfter: after.bytes };
    });
  }

  async campaignIds(): Promise<string[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.jsonl') && !n.startsWith('.')).map((n) => n.slice(0, -'.jsonl'.length)).sort();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#logs.values()].map((log) => log.close()));
    this.#logs.clear();
  }

  #log(campaignId: string): AppendLog {
    checkCampaignId(campaignId);
    let log = this.#logs.get(campaignId);
    if (!log) {
      log = new AppendLog(join(this.#dir, `${campaignId}.jsonl`), {
        dataDir: this.#dataDir, label: `ledger/${campaignId}.jsonl`, onTorn: (torn) => this.#onWarning(tornWarning(torn)),
      });
      this.#logs.set(campaignId, log);
    }
    return log;
  }
}

/** The id names a file, so it must be one core accepts for a campaign (no "/", no leading "."). */
function checkCampaignId(campaignId: unknown): void {
  if (typeof campaignId !== 'string' || !CAMPAIGN_ID_RE.test(campaignId)) {
    throw invalidArgument('ledger campaign id', `got ${describe(campaignId)}, expected 1-64 letters, digits, "_", "." or "-" starting with a letter or digit, like "ramadan-2026"`);
  }
}

function checkRow(row: unknown): string {
  const problem = rowProblem(row);
  if (problem !== undefined) throw invalidArgument('ledger row', `${problem}; expected a LedgerEntry from core's ledger`);
  const campaignId = (row as LedgerEntry).key.campaignId;
  checkCampaignId(campaignId);
  return campaignId;
}

/** A row as far as the journal needs to trust it: a valid key, a known state, its bookkeeping fields. */
function rowProblem(row: unknown): string | undefined {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return `got ${describe(row)}, not a row object`;
  const r = row as Record<string, unknown>;
  try {
    parseLedgerKey(r.key);
  } catch (error) {
    return (error as Error).message;
  }
  if (typeof r.state !== 'string' || !STATES.has(r.state)) return `state ${describe(r.state)} is not one of ${ENTRY_STATES.join(', ')}`;
  if (!Array.isArray(r.sendIds)) return `sendIds is ${describe(r.sendIds)}, not an array`;
  if (typeof r.attempts !== 'number' || typeof r.updatedAt !== 'number') return 'attempts or updatedAt is not a number';
  return undefined;
}

function parseRow(text: string, campaignId: string): LedgerEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message}): ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`;
  }
  const problem = rowProblem(value);
  if (problem !== undefined) return problem;
  const row = value as LedgerEntry;
  return row.key.campaignId === campaignId ? row : `a row of campaign ${JSON.stringify(row.key.campaignId)} in the journal of ${JSON.stringify(campaignId)}`;
}
