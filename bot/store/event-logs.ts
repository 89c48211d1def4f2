/**
 * The audit log (`audit.jsonl`) and the quality history (`quality.jsonl`): records that only
 * grow, so they are append-only journals like the ledger, one fsync'd line per record. A bad line
 * here costs a line of history, not a send, so it is skipped and reported as a warning.
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import { QUALITY_RATINGS } from '../../core/quality.ts';
import type { AppendLog } from './append-log.ts';
import type { AuditEntry, AuditLog, QualityChange, QualityHistory, StoreWarning } from './store.ts';

const DEFAULT_RECENT = 50;
const QUALITIES: ReadonlySet<string> = new Set(QUALITY_RATINGS);

type Guard = (what: string) => void;
type Warn = (warning: StoreWarning) => void;

export class JsonlAuditLog implements AuditLog {
  constructor(private readonly log: AppendLog, private readonly guard: Guard, private readonly warn: Warn) {}

  async append(entry: AuditEntry): Promise<void> {
    this.guard('audit.append');
    const problem = auditProblem(entry);
    if (problem !== undefined) throw invalidArgument('audit entry', `${problem}; expected { at, who, what, details? }`);
    await this.log.append([JSON.stringify(entry)]);
  }

  async recent(limit = DEFAULT_RECENT): Promise<AuditEntry[]> {
    this.guard('audit.recent');
    if (!Number.isSafeInteger(limit) || limit < 1) throw invalidArgument('audit recent limit', `got ${describe(limit)}, expected a positive integer`);
    const lines = await this.log.exclusive((io) => io.lastLines(limit));
    const entries: AuditEntry[] = [];
    lines.forEach((text, i) => {
      const entry = parse<AuditEntry>(text, auditProblem);
      if (typeof entry === 'string') this.warn({ kind: 'bad-line', file: this.log.label, message: `store: ${this.log.label}: skipped line ${lines.length - i} from the end: ${entry}` });
      else entries.push(entry);
    });
    return entries.reverse();
  }
}

export class JsonlQualityHistory implements QualityHistory {
  constructor(private readonly log: AppendLog, private readonly guard: Guard, private readonly warn: Warn) {}

  async append(change: QualityChange): Promise<void> {
    this.guard('quality.append');
    const problem = qualityProblem(change);
    if (problem !== undefined) throw invalidArgument('quality change', `${problem}; expected { at, subject: "number" | "template", id, language?, from?, to, detail? }`);
    await this.log.append([JSON.stringify(change)]);
  }

  async list(filter: { readonly subject?: 'number' | 'template'; readonly id?: string; readonly since?: number } = {}): Promise<QualityChange[]> {
    this.guard('quality.list');
    const out: QualityChange[] = [];
    await this.log.read((text, line) => {
      const change = parse<QualityChange>(text, qualityProblem);
      if (typeof change === 'string') {
        this.warn({ kind: 'bad-line', file: this.log.label, line, message: `store: ${this.log.label} line ${line}: skipped: ${change}` });
        return;
      }
      if (filter.subject !== undefined && change.subject !== filter.subject) return;
      if (filter.id !== undefined && change.id !== filter.id) return;
      if (filter.since !== undefined && change.at < filter.since) return;
      out.push(change);
    });
    return out;
  }
}

function parse<T>(text: string, problemOf: (value: unknown) => string | undefined): T | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  return problemOf(value) ?? (value as T);
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isInstant = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function auditProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `got ${describe(value)}`;
  const e = value as Record<string, unknown>;
  if (!isInstant(e.at)) return `at is ${describe(e.at)}, not an instant (epoch ms)`;
  if (!isText(e.who)) return `who is ${describe(e.who)}, not a name or id`;
  if (!isText(e.what)) return `what is ${describe(e.what)}, not a description`;
  if (e.details !== undefined && (e.details === null || typeof e.details !== 'object' || Array.isArray(e.details))) return `details is ${describe(e.details)}, not an object`;
  return undefined;
}

function qualityProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `got ${describe(value)}`;
  const c = value as Record<string, unknown>;
  if (!isInstant(c.at)) return `at is ${describe(c.at)}, not an instant (epoch ms)`;
  if (c.subject !== 'number' && c.subject !== 'template') return `subject is ${describe(c.subject)}, not "number" or "template"`;
  if (!isText(c.id)) return `id is ${describe(c.id)}, not a number id or template name`;
  if (typeof c.to !== 'string' || !QUALITIES.has(c.to)) return `to is ${describe(c.to)}, not one of ${QUALITY_RATINGS.join(', ')}`;
  if (c.from !== undefined && (typeof c.from !== 'string' || !QUALITIES.has(c.from))) return `from is ${describe(c.from)}, not one of ${QUALITY_RATINGS.join(', ')}`;
  return undefined;
}
