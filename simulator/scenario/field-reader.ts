/**
 * Reads loose YAML values into typed ones while collecting every problem with its path, so a
 * scenario author sees all mistakes at once rather than one per run.
 */
import { describe } from '../../core/errors.ts';
import { parseDayTime, parseDuration, type Duration, type Problem } from '../../core/index.ts';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `plans.warmup` + `schedule` → `plans.warmup.schedule`; an empty parent gives the bare key. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A horizon-like span for messages: "30d", "36h", "90m". */
export function formatSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** Edit distance, for "did you mean" on misspelt keys and names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest allowed word when it is close enough to be a likely typo. */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Drop the `what: ` prefix of a core error message: the path already says what. */
function bare(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^[^:]*: /, '');
}

export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
  /** Strictly greater than `min`. */
  readonly exclusiveMin?: boolean;
  readonly max?: number;
}

export class FieldReader {
  readonly problems: Problem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  mapping(value: unknown, path: string, what: string): Mapping | undefined {
    if (isMapping(value)) return value;
    this.add(path, value === undefined ? `is required (${what})` : `expected ${what}, got ${describe(value)}`);
    return undefined;
  }

  list(value: unknown, path: string, what: string): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    this.add(path, value === undefined ? `is required (${what})` : `expected ${what}, got ${describe(value)}`);
    return undefined;
  }

  /** Flag every key not in `allowed`, suggesting the nearest allowed one. */
  keys(object: Mapping, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (allowed.includes(key)) continue;
      const guess = didYouMean(key, allowed);
      this.add(childPath(path, key), guess ? `unknown key (did you mean ${guess}?)` : `unknown key, expected one of ${allowed.join(', ')}`);
    }
  }

  string(object: Mapping, key: string, path: string, fallback?: string): string | undefined {
    const value = object[key];
    if (value === undefined) {
      if (fallback === undefined) this.add(childPath(path, key), 'is required (a non-empty string)');
      return fallback;
    }
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.add(childPath(path, key), `expected a non-empty string, got ${describe(value)}`);
    return fallback;
  }

  number(object: Mapping, key: string, path: string, rule: NumberRule, fallback?: number): number | undefined {
    const value = object[key];
    const where = childPath(path, key);
    const kind = rule.integer ? 'a whole number' : 'a number';
    const expected = rule.min !== undefined && rule.max !== undefined && !rule.exclusiveMin
      ? `${kind} from ${rule.min} to ${rule.max}`
      : [kind, rule.min !== undefined ? `${rule.exclusiveMin ? '>' : '>='} ${rule.min}` : '', rule.max !== undefined ? `<= ${rule.max}` : ''].filter(Boolean).join(' ');
    if (value === undefined) {
      if (fallback === undefined) this.add(where, `is required (${expected})`);
      return fallback;
    }
    const ok = typeof value === 'number' && Number.isFinite(value)
      && (!rule.integer || Number.isInteger(value))
      && (rule.min === undefined || (rule.exclusiveMin ? value > rule.min : value >= rule.min))
      && (rule.max === undefined || value <= rule.max);
    if (ok) return value;
    this.add(where, `must be ${expected}, got ${describe(value)}`);
    return fallback;
  }

  probability(object: Mapping, key: string, path: string, fallback: number): number {
    return this.number(object, key, path, { min: 0, max: 1 }, fallback) ?? fallback;
  }

  duration(object: Mapping, key: string, path: string, fallback?: Duration): Duration | undefined {
    return this.parsed(object, key, path, 'a duration like "9h" or "30d"', fallback, (v) => {
      const d = parseDuration(v as string);
      if (d <= 0) throw new Error(`must be a positive duration, got ${describe(v)}`);
      return d;
    });
  }

  dayTime(object: Mapping, key: string, path: string): Duration | undefined {
    return this.parsed(object, key, path, 'a time "<days>d HH:MM" from the start, like "1d 06:00"', undefined, (v) => parseDayTime(v as string));
  }

  /** Parse with a core parser (which throws a CoreError on bad input); the error becomes a problem. */
  parsed<T>(object: Mapping, key: string, path: string, what: string, fallback: T | undefined, parse: (value: unknown) => T): T | undefined {
    const value = object[key];
    if (value === undefined) {
      if (fallback === undefined) this.add(childPath(path, key), `is required (${what})`);
      return fallback;
    }
    try {
      return parse(value);
    } catch (error) {
      this.add(childPath(path, key), bare(error));
      return fallback;
    }
  }

  /** Like `parsed`, for a key that may be left out. */
  optional<T>(object: Mapping, key: string, path: string, parse: (value: unknown) => T): T | undefined {
    return object[key] === undefined ? undefined : this.parsed(object, key, path, '', undefined, parse);
  }

  oneOf<T extends string>(object: Mapping, key: string, path: string, allowed: readonly T[], fallback: T): T {
    const value = object[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
    this.add(childPath(path, key), `got ${describe(value)}, expected one of ${allowed.join(', ')}${guess ? ` (did you mean ${guess}?)` : ''}`);
    return fallback;
  }

  /** A name or a list of names, each of which must be one of `known`. */
  names(value: unknown, path: string, known: readonly string[], what: string): string[] {
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (items === undefined || items.length === 0) {
      this.add(path, `expected ${what} or a non-empty list of them, got ${describe(value)}`);
      return [];
    }
    const names: string[] = [];
    known = [...new Set(known)];
    items.forEach((item, i) => {
      const where = items.length === 1 && typeof value === 'string' ? path : childPath(path, i);
      if (typeof item === 'string' && known.includes(item)) names.push(item);
      else {
        const guess = typeof item === 'string' ? didYouMean(item, known) : undefined;
        this.add(where, `${describe(item)} is not ${what}${guess ? ` (did you mean ${guess}?)` : ''}, expected one of ${known.join(', ') || '(none defined)'}`);
      }
    });
    return names;
  }

  /** One name that must be one of `known` (required). */
  name(object: Mapping, key: string, path: string, known: readonly string[], what: string): string | undefined {
    const value = object[key];
    if (value === undefined) {
      this.add(childPath(path, key), `is required (${what}: ${known.join(', ') || 'none defined'})`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(childPath(path, key), `expected ${what}, got ${describe(value)}`);
      return undefined;
    }
    return this.names(value, childPath(path, key), known, what)[0];
  }
}
