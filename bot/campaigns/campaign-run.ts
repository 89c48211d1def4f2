/**
 * What a campaign needs to run that its core record does not hold: the plan's schedule, the
 * template's parameters (with per-contact fields), runner settings, and, from the moment it
 * starts, the audience as it was then. A campaign goes to the list it was started with: a list
 * edited while it runs changes nothing mid-way, and a restart resumes the same list.
 *
 * One small file per campaign, `<dataDir>/campaign-runs/<id>.json`, replaced atomically and
 * fsync'd (written at creation and at start, never per send).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Contact } from '../../core/contact.ts';
import { describe, invalidArgument } from '../../core/errors.ts';
import { parsePlanSchedule, type PlanSchedule } from '../../core/pacing-plan.ts';
import type { RunnerOptions } from '../../core/runner-options.ts';
import type { TemplateComponent, TemplateMessage } from '../../core/template-message.ts';
import { replaceFile, syncDir } from '../store/durable-fs.ts';

export interface CampaignRun {
  readonly version: 1;
  readonly id: string;
  readonly schedule: PlanSchedule;
  /** The template's components; text values may hold `{{name}}`, `{{waId}}` or `{{attributes.<key>}}`. */
  readonly components?: readonly TemplateComponent[];
  readonly options?: Partial<RunnerOptions>;
  /** The audience's WhatsApp ids when the campaign started, in order. */
  readonly recipients?: readonly string[];
}

const RUNS_DIR = 'campaign-runs';
const FIELD_RE = /\{\{\s*(name|waId|attributes\.[A-Za-z0-9_.-]+)\s*\}\}/g;

/** The plan's schedule from loose input (a Slack form): every problem with its path. */
export function readSchedule(raw: unknown): PlanSchedule {
  const parsed = parsePlanSchedule(raw, 'plan.schedule');
  if (parsed.ok) return parsed.value;
  throw invalidArgument('plan schedule', parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems: parsed.problems });
}

export function readComponents(raw: unknown): readonly TemplateComponent[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.some((c) => c === null || typeof c !== 'object' || typeof (c as { type?: unknown }).type !== 'string')) {
    throw invalidArgument('template components', `got ${describe(raw)}, expected a list like [{ "type": "body", "parameters": [{ "type": "text", "text": "{{name}}" }] }]`);
  }
  return raw as TemplateComponent[];
}

/** The message for one contact: the campaign's components with that contact's fields filled in. */
export function messageFor(template: { name: string; language: string }, components: readonly TemplateComponent[] | undefined, waId: string, contact: Contact | undefined): TemplateMessage {
  const base = { name: template.name, language: { code: template.language } };
  if (!components || components.length === 0) return base;
  return { ...base, components: components.map((c) => fill(c, waId, contact)) };
}

function fill<T>(value: T, waId: string, contact: Contact | undefined): T {
  if (typeof value === 'string') {
    return value.replace(FIELD_RE, (_m, field: string) => {
      if (field === 'waId') return waId;
      if (field === 'name') return contact?.name ?? '';
      return contact?.attributes?.[field.slice('attributes.'.length)] ?? '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, waId, contact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, waId, contact)])) as T;
  }
  return value;
}

/** Components without a field to fill are the same for everyone: built once, shared. */
export function isStatic(components: readonly TemplateComponent[] | undefined): boolean {
  return !components || !JSON.stringify(components).match(FIELD_RE);
}

export class CampaignRuns {
  readonly #dir: string;
  #ready: Promise<void> | undefined;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, RUNS_DIR);
  }

  async save(run: CampaignRun): Promise<void> {
    this.#ready ??= mkdir(this.#dir, { recursive: true }).then(() => syncDir(this.#dir));
    await this.#ready;
    await replaceFile(join(this.#dir, `${run.id}.json`), [JSON.stringify(run)]);
  }

  async get(id: string): Promise<CampaignRun | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.#dir, `${id}.json`), 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    const run = JSON.parse(text) as CampaignRun;
    if (run?.version !== 1 || run.id !== id) throw invalidArgument(`${RUNS_DIR}/${id}.json`, `got ${describe(run)}, expected { version: 1, id: "${id}", schedule, … }`);
    return run;
  }
}
