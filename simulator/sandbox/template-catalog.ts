/**
 * The sandbox's message templates: loaded from a file in Meta's definition format (the `data` of
 * `GET /<WABA_ID>/message_templates`), each with its pause-and-pacing lifecycle from core. The
 * HTTP layer validates sends against `find()` (whose status follows the lifecycle, so a paused
 * template answers 132015 and a disabled one 132016); the world records sends and ratings.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import { qualityToApi } from '../../core/quality.ts';
import { parseTemplateDefinition, type TemplateDefinition } from '../../core/template.ts';
import {
  canSend, createTemplateLifecycle, nextDeadline, step,
  type SendCheck, type TemplateEvent, type TemplateInput, type TemplateLifecycleOptions, type TemplateLifecycleState,
} from '../../core/template-lifecycle.ts';
import type { Instant } from '../../core/time.ts';
import { loadJsonFile } from './json-file.ts';

export const DEFAULT_TEMPLATES_FILE = new URL('./default-templates.json', import.meta.url);

export interface CatalogEntry {
  readonly id: string;
  readonly def: TemplateDefinition;
  readonly raw: Readonly<Record<string, unknown>>;
  state: TemplateLifecycleState;
}

const key = (name: string, language: string) => `${name}\u0000${language}`;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Template ids Meta assigns are long digit strings; ours are stable for a name and language. */
function stableId(name: string, language: string): string {
  let h = 0x811c9dc5;
  for (const ch of key(name, language)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `11${String(h).padStart(10, '0')}`;
}

export class TemplateCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly ordered: CatalogEntry[] = [];

  /** `json` is `{ data: [...] }` or a bare array of templates; bad definitions fail listing every problem. */
  constructor(json: unknown, at: Instant, options: Partial<TemplateLifecycleOptions> = {}) {
    const list = Array.isArray(json) ? json : isObj(json) && Array.isArray(json.data) ? json.data : undefined;
    if (!list) throw invalidArgument('sandbox templates', `got ${describe(json)}, expected { "data": [templates in Meta's format] } or an array of them`);
    list.forEach((raw: unknown, i) => {
      const def = parseTemplateDefinition(raw, `templates.data[${i}]`);
      if (this.entries.has(key(def.name, def.language))) throw invalidArgument(`sandbox templates.data[${i}]`, `a second "${def.name}" in ${def.language}, expected one template per name and language`);
      const pauses = def.status === 'PAUSED' ? 1 : 0;
      const pausedUntil = def.status === 'PAUSED' ? at + (options.pauseDurations?.[0] ?? 3 * 3_600_000) : undefined;
      // Templates loaded from a file have been in use: not paced as new (a non-GREEN marketing one still is).
      const state = createTemplateLifecycle({ category: def.category, at, status: def.status, quality: def.quality, pauses, pausedUntil, isNew: false }, options);
      const entry: CatalogEntry = { id: def.id ?? stableId(def.name, def.language), def, raw: raw as Record<string, unknown>, state };
      this.entries.set(key(def.name, def.language), entry);
      this.ordered.push(entry);
    });
  }

  /** The default catalog: seed 004's four examples as approved en_US templates. */
  static loadDefault(at: Instant, options: Partial<TemplateLifecycleOptions> = {}): TemplateCatalog {
    return TemplateCatalog.loadFile(DEFAULT_TEMPLATES_FILE, at, options);
  }

  static loadFile(file: string | URL, at: Instant, options: Partial<TemplateLifecycleOptions> = {}): TemplateCatalog {
    return new TemplateCatalog(loadJsonFile(file, 'templates file'), at, options);
  }

  get size(): number {
    return this.ordered.length;
  }

  all(): readonly CatalogEntry[] {
    return this.ordered;
  }

  entry(name: string, language: string): CatalogEntry | undefined {
    return this.entries.get(key(name, language));
  }

  /** The definition as it stands now: status and quality follow the lifecycle. */
  find(name: string, language: string): TemplateDefinition | undefined {
    const e = this.entries.get(key(name, language));
    if (!e) return undefined;
    return e.state.status === e.def.status && e.state.quality === e.def.quality ? e.def : { ...e.def, status: e.state.status, quality: e.state.quality };
  }

  /** Same name, any language: the GET list's `name` filter and 132001's "no such translation". */
  languagesOf(name: string): string[] {
    return this.ordered.filter((e) => e.def.name === name).map((e) => e.def.language);
  }

  canSend(entry: CatalogEntry, at: Instant): SendCheck {
    return canSend(entry.state, at);
  }

  apply(entry: CatalogEntry, input: TemplateInput): readonly TemplateEvent[] {
    const { state, events } = step(entry.state, input);
    entry.state = state;
    return events;
  }

  nextDeadline(entry: CatalogEntry): Instant | undefined {
    return nextDeadline(entry.state);
  }

  /** The templates in Meta's list shape, with their current status and quality. */
  toJson(entry: CatalogEntry): Record<string, unknown> {
    const { id: _id, status: _status, quality_score: _q, ...rest } = entry.raw;
    return {
      ...rest,
      parameter_format: entry.def.parameterFormat,
      status: entry.state.status,
      quality_score: { score: qualityToApi(entry.state.quality) },
      id: entry.id,
    };
  }
}
