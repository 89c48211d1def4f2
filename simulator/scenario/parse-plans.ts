/**
 * `plans`: the sending plans a scenario compares, by name. The schedule is core's (parsed by
 * core's `parsePlanSchedule`, the same parser the bot's commands use); this file checks what
 * only the scenario knows: that the numbers, segments and template a plan names exist, and that
 * scripted sends fall inside the horizon.
 */
import { describe } from '../../core/errors.ts';
import { formatDayTime, parsePlanSchedule, type Duration } from '../../core/index.ts';
import { PLAN_SENDERS, type PlanSpec } from './scenario.ts';
import { childPath, formatSpan, isMapping, type FieldReader } from './field-reader.ts';

export const PLAN_KEYS = ['from', 'schedule', 'template', 'segments', 'sender'] as const;

const SCHEDULE_KEYS: Readonly<Record<string, readonly string[]>> = {
  script: ['kind', 'sends'],
  ramp: ['kind', 'start', 'growth', 'step', 'cap'],
  burst: ['kind'],
};

export interface PlanContext {
  readonly numbers: readonly string[];
  readonly segments: readonly string[];
  readonly templates: readonly string[];
  readonly horizon: Duration;
}

const PLAN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** Meta's rule for template names; the runner's campaign record enforces it. */
const META_TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;

export function parsePlans(raw: unknown, context: PlanContext, read: FieldReader): PlanSpec[] {
  const plans = read.mapping(raw, 'plans', 'a mapping of plan names to { from, schedule }');
  if (!plans) return [];
  if (Object.keys(plans).length === 0) read.add('plans', 'expected at least one plan');
  const specs: PlanSpec[] = [];
  for (const [name, value] of Object.entries(plans)) {
    const path = childPath('plans', name);
    if (!PLAN_NAME.test(name)) read.add(path, 'a plan name uses letters, digits, - and _ only');
    const plan = read.mapping(value, path, 'a plan like { from: n1, schedule: { kind: burst } }');
    if (!plan) continue;
    read.keys(plan, path, PLAN_KEYS);
    let from: string[] = [];
    if (plan.from === undefined) read.add(childPath(path, 'from'), 'is required (a number id or a list of them)');
    else from = read.names(plan.from, childPath(path, 'from'), context.numbers, 'a number id in portfolio.numbers');
    const schedule = parseSchedule(plan.schedule, childPath(path, 'schedule'), context.horizon, read);
    let template = context.templates[0] ?? 'promo';
    if (typeof plan.template === 'string') template = read.names(plan.template, childPath(path, 'template'), context.templates, 'a template in templates')[0] ?? template;
    else if (plan.template !== undefined) read.add(childPath(path, 'template'), `expected the name of one template in templates, got ${describe(plan.template)}`);
    const segments = plan.segments === undefined
      ? [...context.segments]
      : read.names(plan.segments, childPath(path, 'segments'), context.segments, 'a segment in audience.segments');
    const sender = plan.sender === undefined ? undefined : read.oneOf(plan, 'sender', path, PLAN_SENDERS, 'planner');
    if (sender === 'runner' && !META_TEMPLATE_NAME.test(template)) {
      read.add(childPath(path, 'template'), `a runner-driven plan sends template ${JSON.stringify(template)}, but Meta's template names are lowercase letters, digits and "_"`);
    }
    if (schedule) specs.push({ name, from, schedule, template, segments, ...(sender !== undefined && { sender }) });
  }
  return specs;
}

function parseSchedule(raw: unknown, path: string, horizon: Duration, read: FieldReader) {
  if (raw === undefined) {
    read.add(path, 'is required (an object with a kind: script, ramp or burst)');
    return undefined;
  }
  if (isMapping(raw) && typeof raw.kind === 'string' && SCHEDULE_KEYS[raw.kind]) {
    read.keys(raw, path, SCHEDULE_KEYS[raw.kind]!);
    if (raw.kind === 'script' && Array.isArray(raw.sends)) {
      raw.sends.forEach((entry, i) => {
        if (isMapping(entry)) read.keys(entry, childPath(childPath(path, 'sends'), i), ['at', 'count', 'over']);
        else read.add(childPath(childPath(path, 'sends'), i), 'expected { at, count, over } like { at: "0d 06:00", count: 500, over: "9h" }');
      });
    }
  }
  const parsed = parsePlanSchedule(raw, path);
  if (!parsed.ok) {
    // Entries that are not mappings were reported above; core reports their fields again.
    const reported = new Set(read.problems.map((p) => p.path));
    for (const p of parsed.problems) {
      if (![...reported].some((r) => p.path.startsWith(`${r}.`))) read.add(p.path, p.message);
    }
    return undefined;
  }
  const schedule = parsed.value;
  if (schedule.kind === 'script') {
    schedule.sends.forEach((entry, i) => {
      if (entry.at >= horizon) read.add(`${path}.sends[${i}].at`, `"${formatDayTime(entry.at)}" is at or after the horizon (${formatSpan(horizon)}): nothing of it would be sent`);
    });
  }
  return schedule;
}
