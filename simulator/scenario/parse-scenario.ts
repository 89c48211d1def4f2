/**
 * A scenario file (YAML) → a fully resolved `Scenario`, or every problem in it with its path
 * (`plans.warmup.schedule.growth: must be > 0, got 0`) and, where the file has one, its line.
 * Nothing runs on a scenario with problems, so this is the one place that checks input.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { DAY, DEFAULT_POLICY, getPolicy, type Policy, type Problem } from '../../core/index.ts';
import { resolveModelParameters } from '../model/parameters.ts';
import type { Scenario } from './scenario.ts';
import { FieldReader } from './field-reader.ts';
import { parseAudience } from './parse-audience.ts';
import { parseEvents } from './parse-events.ts';
import { parseExpectations } from './parse-expectations.ts';
import { parsePlans } from './parse-plans.ts';
import { parsePortfolio } from './parse-portfolio.ts';
import { parseTemplates } from './parse-templates.ts';

export interface ScenarioProblem extends Problem {
  /** 1-based line in the file, when the path (or its nearest parent) is in it. */
  readonly line?: number;
}

export type ParsedScenario = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

export const SCENARIO_KEYS = [
  'name', 'description', 'policy', 'seed', 'replications', 'horizon',
  'portfolio', 'audience', 'templates', 'plans', 'events', 'expect', 'params',
] as const;

export const DEFAULTS = { replications: 100, seed: 1, horizon: 30 * DAY } as const;

const MAX_REPLICATIONS = 100_000;
const MAX_HORIZON = 366 * DAY;

export function parseScenario(yamlText: string, name: string): ParsedScenario {
  if (typeof yamlText !== 'string') return { ok: false, problems: [{ path: '', message: `expected the text of a YAML file, got ${typeof yamlText}` }] };
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        const message = e.message.split('\n')[0] ?? e.message;
        return { path: `line ${pos.line}, column ${pos.col}`, message, line: pos.line };
      }),
    };
  }
  const read = new FieldReader();
  const scenario = resolve(doc.toJS(), name, read);
  if (read.problems.length > 0 || !scenario) {
    // In file order, so the list reads top to bottom alongside the file (sort is stable).
    const located = read.problems.map((p) => locate(p, doc));
    located.sort((a, b) => a.offset - b.offset);
    return { ok: false, problems: located.map(({ problem, offset }) => (Number.isFinite(offset) ? { ...problem, line: lines.linePos(offset).line } : problem)) };
  }
  return { ok: true, scenario };
}

function resolve(raw: unknown, fileName: string, read: FieldReader): Scenario | undefined {
  if (raw === null || raw === undefined) {
    read.add('', 'the file is empty: expected a scenario, a mapping with portfolio, audience and plans');
    return undefined;
  }
  const top = read.mapping(raw, '', 'a scenario: a mapping with portfolio, audience and plans');
  if (!top) return undefined;
  read.keys(top, '', SCENARIO_KEYS);
  const name = read.string(top, 'name', '', fileName) ?? fileName;
  const description = top.description === undefined ? undefined : read.string(top, 'description', '');
  const policy: Policy = read.parsed(top, 'policy', '', 'a policy name', getPolicy(DEFAULT_POLICY), getPolicy) ?? getPolicy(DEFAULT_POLICY);
  const seed = read.number(top, 'seed', '', { integer: true, min: 0, max: 0xffff_ffff }, DEFAULTS.seed) ?? DEFAULTS.seed;
  const replications = read.number(top, 'replications', '', { integer: true, min: 1, max: MAX_REPLICATIONS }, DEFAULTS.replications) ?? DEFAULTS.replications;
  let horizon = read.duration(top, 'horizon', '', DEFAULTS.horizon) ?? DEFAULTS.horizon;
  if (horizon > MAX_HORIZON) {
    read.add('horizon', `must be at most 366d, got ${JSON.stringify(top.horizon)}`);
    horizon = DEFAULTS.horizon;
  }
  const portfolio = parsePortfolio(top.portfolio, policy, read);
  const segments = parseAudience(top.audience, read);
  const templates = parseTemplates(top.templates, read);
  const numbers = portfolio.numbers.map((n) => n.id);
  const plans = parsePlans(top.plans, {
    numbers,
    segments: segments.map((s) => s.name),
    templates: templates.map((t) => t.name),
    horizon,
  }, read);
  const events = parseEvents(top.events, { numbers, horizon, policy }, read);
  const planNames = top.plans !== null && typeof top.plans === 'object' ? Object.keys(top.plans) : [];
  const expect = parseExpectations(top.expect, { plans: planNames, horizon, policy }, read);
  const params = resolveModelParameters(top.params, 'params');
  for (const p of params.problems) read.add(p.path, p.message);
  return {
    name,
    ...(description !== undefined && { description }),
    policy,
    seed,
    replications,
    horizon,
    start: 0,
    portfolio,
    audience: { segments },
    templates,
    plans,
    events,
    expect,
    params: params.value,
  };
}

/** `plans.warmup.sends[0].at` → ['plans', 'warmup', 'sends', 0, 'at']. */
function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) return keys;
    if (match[1]) keys.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}

/** Where in the file the path points: its node, or its nearest ancestor that is in the file. */
function locate(problem: Problem, doc: Document): { problem: Problem; offset: number } {
  const keys = pathKeys(problem.path);
  for (let n = keys.length; n > 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | null | undefined;
    if (node && typeof node === 'object' && Array.isArray(node.range)) return { problem, offset: node.range[0] };
  }
  return { problem, offset: Number.POSITIVE_INFINITY };
}
