/**
 * The bounds of each model parameter, and the deep-partial merge of a scenario's `params:` over
 * the defaults. Every problem is reported with its full path (`params.fatigue.perMessage: must be
 * >= 0, got -1`) and the default is kept in its place, so one run of the parser lists them all.
 */
import { describe } from '../../core/errors.ts';
import { HOUR, parseDuration, qualityParameters, type Problem } from '../../core/index.ts';
import type { ModelParameters } from './parameters.ts';

type Rule =
  | { readonly kind: 'number'; readonly min?: number; readonly gt?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly kind: 'duration'; readonly min?: number; readonly gt?: number };

const nonNegative: Rule = { kind: 'number', min: 0 };
const positive: Rule = { kind: 'number', gt: 0 };
const probability: Rule = { kind: 'number', min: 0, max: 1 };
const rate: Rule = { kind: 'number', gt: 0, max: 1 };
const count: Rule = { kind: 'number', min: 0, integer: true };
const anyNumber: Rule = { kind: 'number' };
const span: Rule = { kind: 'duration', gt: 0 };
const spanOrZero: Rule = { kind: 'duration', min: 0 };
const window: Rule = { kind: 'duration', min: HOUR };

/** Dotted path under `params` → rule. A leaf missing here is a bug caught by the tests. */
export const PARAMETER_RULES: Readonly<Record<string, Rule>> = {
  'feedback.optIn.explicit': nonNegative,
  'feedback.optIn.implied': nonNegative,
  'feedback.optIn.none': nonNegative,
  'feedback.mute': probability,
  'feedback.readDelayMean': span,
  'feedback.ignoreAfter': span,
  'fatigue.window': span,
  'fatigue.perMessage': nonNegative,
  'fatigue.offlinePile': nonNegative,
  'scrutiny.newNumber': { kind: 'number', min: 1 },
  'scrutiny.halfLife': span,
  'scrutiny.volumeFloor': positive,
  'scrutiny.velocityExponent': nonNegative,
  'delivery.latency': spanOrZero,
  'delivery.ttl': span,
  'quality.lookback': window,
  'quality.halfLife': span,
  'quality.weights.read': anyNumber,
  'quality.weights.reply': anyNumber,
  'quality.weights.block': anyNumber,
  'quality.weights.report': anyNumber,
  'quality.weights.mute': anyNumber,
  'quality.weights.ignore': anyNumber,
  'quality.mediumAt': positive,
  'quality.lowAt': positive,
  'quality.minSample': nonNegative,
  'rating.interval': { kind: 'duration', min: 60_000 },
  'rating.burstNegatives': { kind: 'number', min: 1, integer: true },
  'rating.burstDelay': spanOrZero,
  'marketingLimit.othersPerDay': nonNegative,
  'marketingLimit.allowance': nonNegative,
  'marketingLimit.perExtra': nonNegative,
  'spamLimit.window': window,
  'spamLimit.rate': rate,
  'spamLimit.minSample': nonNegative,
  'spamLimit.cooldown': span,
  'enforcement.window': window,
  'enforcement.strikeRate': rate,
  'enforcement.minSample': nonNegative,
  'enforcement.minNewNegatives': count,
  'enforcement.spacing': spanOrZero,
  'enforcement.firstBlock': span,
  'enforcement.secondBlock': span,
  'enforcement.banRate': rate,
  'enforcement.banMinSample': nonNegative,
  'enforcement.memory': span,
  'templates.pacingThreshold': count,
  'templates.assessmentDelay': span,
  'sender.tick': { kind: 'duration', min: 1 },
  'sender.pauseAfterSpamLimit': spanOrZero,
};

type Tree = { readonly [key: string]: unknown };

function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function resolveAgainst(raw: unknown, path: string, defaults: ModelParameters): { value: ModelParameters; problems: Problem[] } {
  const problems: Problem[] = [];
  if (raw === undefined || raw === null) return { value: defaults, problems };
  const value = merge(raw, defaults as unknown as Tree, path, '', problems) as unknown as ModelParameters;
  try {
    qualityParameters(value.quality);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^[^:]*: /, '') : String(error);
    problems.push({ path: `${path}.quality`, message });
    return { value: { ...value, quality: defaults.quality }, problems };
  }
  return { value, problems };
}

function merge(raw: unknown, defaults: Tree, path: string, key: string, problems: Problem[]): Tree {
  if (!isTree(raw)) {
    problems.push({ path, message: `expected a mapping with some of ${Object.keys(defaults).join(', ')}, got ${describe(raw)}` });
    return defaults;
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [name, given] of Object.entries(raw)) {
    const where = `${path}.${name}`;
    const rulePath = key === '' ? name : `${key}.${name}`;
    if (!(name in defaults)) {
      problems.push({ path: where, message: `unknown parameter; expected one of ${Object.keys(defaults).join(', ')}` });
      continue;
    }
    const fallback = defaults[name];
    if (isTree(fallback)) out[name] = merge(given, fallback, where, rulePath, problems);
    else out[name] = leaf(given, PARAMETER_RULES[rulePath], where, fallback as number, problems);
  }
  return out;
}

function leaf(given: unknown, rule: Rule | undefined, path: string, fallback: number, problems: Problem[]): number {
  if (!rule) {
    problems.push({ path, message: 'this parameter cannot be set' });
    return fallback;
  }
  let n: number;
  if (rule.kind === 'duration' && typeof given === 'string') {
    try {
      n = parseDuration(given);
    } catch {
      problems.push({ path, message: `expected a duration like "7d", "6h" or "30m", got ${describe(given)}` });
      return fallback;
    }
  } else if (typeof given === 'number' && Number.isFinite(given)) {
    n = given;
  } else {
    const expected = rule.kind === 'duration' ? 'a duration like "7d", "6h" or "30m" (or milliseconds)' : 'a number';
    problems.push({ path, message: `expected ${expected}, got ${describe(given)}` });
    return fallback;
  }
  const shown = typeof given === 'string' ? JSON.stringify(given) : String(given);
  const bad = (message: string) => {
    problems.push({ path, message: `${message}, got ${shown}` });
    return fallback;
  };
  if (rule.kind === 'number' && rule.integer && !Number.isInteger(n)) return bad('must be a whole number');
  if (rule.min !== undefined && n < rule.min) return bad(`must be >= ${rule.kind === 'duration' ? formatMs(rule.min) : rule.min}`);
  if (rule.gt !== undefined && n <= rule.gt) return bad(`must be > ${rule.gt}`);
  if (rule.kind === 'number' && rule.max !== undefined && n > rule.max) return bad(`must be <= ${rule.max}`);
  return n;
}

function formatMs(ms: number): string {
  if (ms >= HOUR && ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms} ms`;
}
