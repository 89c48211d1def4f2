/**
 * A sending plan's schedule: how many messages it wants out by each moment after it starts.
 * - `script`: explicit sends, each `count` messages evenly spaced from `at` to `at + over`.
 * - `ramp`: a warm-up, `start` messages in the first `step`, growing by `growth` each step up to
 *   `cap` a step, each step's messages evenly spread across it (no burst at the top of the hour).
 * - `burst`: everything at once, as far as the limits allow (the plan seed 003 warns about).
 * The limits are not the plan's business: the planner (pacing-planner.ts) clamps to them.
 */
import { parseDayTime, parseDuration, type Duration } from './time.ts';

export interface ScriptEntry {
  readonly at: Duration;
  readonly count: number;
  readonly over: Duration;
}

export type PlanSchedule =
  | { readonly kind: 'script'; readonly sends: readonly ScriptEntry[] }
  | { readonly kind: 'ramp'; readonly start: number; readonly growth: number; readonly step: Duration; readonly cap: number }
  | { readonly kind: 'burst' };

export interface Problem {
  readonly path: string;
  readonly message: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Messages the schedule wants sent by `elapsed` after the plan's start (Infinity for burst). */
export function plannedBy(schedule: PlanSchedule, elapsed: Duration): number {
  if (elapsed < 0) return 0;
  switch (schedule.kind) {
    case 'burst':
      return Number.POSITIVE_INFINITY;
    case 'script': {
      let total = 0;
      for (const e of schedule.sends) total += dueInSpan(e.count, e.over, elapsed - e.at);
      return total;
    }
    case 'ramp': {
      const k = Math.floor(elapsed / schedule.step);
      return rampPrefix(schedule, k) + dueInSpan(rampQuota(schedule, k), schedule.step - 1, elapsed - k * schedule.step);
    }
  }
}

/** The earliest elapsed time at which the schedule wants more than `sent` out, or undefined if never. */
export function nextDueAfter(schedule: PlanSchedule, sent: number): Duration | undefined {
  switch (schedule.kind) {
    case 'burst':
      return 0;
    case 'script': {
      const total = schedule.sends.reduce((n, e) => n + e.count, 0);
      if (sent >= total) return undefined;
      // plannedBy is monotone: binary search the first instant it passes `sent`.
      let lo = 0;
      let hi = Math.max(...schedule.sends.map((e) => e.at + e.over));
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (plannedBy(schedule, mid) > sent) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
    case 'ramp': {
      let k = 0;
      let before = 0;
      for (;;) {
        const quota = rampQuota(schedule, k);
        if (before + quota > sent) {
          const i = sent - before;
          return k * schedule.step + (quota <= 1 ? 0 : Math.ceil((i * (schedule.step - 1)) / (quota - 1)));
        }
        // A shrinking ramp (growth < 1) that reached zero never sends again.
        if (quota === 0 && schedule.growth <= 1) return undefined;
        if (quota === schedule.cap) {
          const steps = Math.floor((sent - before) / quota);
          k += steps;
          before += steps * quota;
          continue;
        }
        before += quota;
        k++;
      }
    }
  }
}

/** The number of the plan's messages in total (Infinity when it has no end). */
export function plannedTotal(schedule: PlanSchedule): number {
  return schedule.kind === 'script' ? schedule.sends.reduce((n, e) => n + e.count, 0) : Number.POSITIVE_INFINITY;
}

/** `count` messages evenly over [0, span]: how many are due `t` into it. */
function dueInSpan(count: number, span: Duration, t: Duration): number {
  if (t < 0 || count <= 0) return 0;
  if (count === 1 || span <= 0) return count;
  return Math.min(count, Math.floor((t * (count - 1)) / span) + 1);
}

function rampQuota(r: Extract<PlanSchedule, { kind: 'ramp' }>, k: number): number {
  return Math.min(r.cap, Math.floor(r.start * Math.pow(r.growth, k)));
}

function rampPrefix(r: Extract<PlanSchedule, { kind: 'ramp' }>, k: number): number {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const q = rampQuota(r, j);
    if (q === r.cap) return sum + q * (k - j); // flat from here on
    sum += q;
  }
  return sum;
}

/**
 * Parse a schedule from loose input (a scenario file, a Slack flag), reporting every problem with
 * its path: `plans.warmup.schedule.growth: must be > 0`.
 */
export function parsePlanSchedule(raw: unknown, path = 'schedule'): Parsed<PlanSchedule> {
  const problems: Problem[] = [];
  const p = (sub: string, message: string) => problems.push({ path: `${path}.${sub}`, message });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problems: [{ path, message: 'expected an object with a kind: script, ramp or burst' }] };
  const o = raw as Record<string, unknown>;
  const num = (key: string, test: (n: number) => boolean, expect: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !test(v)) p(key, v === undefined ? `is required (${expect})` : `must be ${expect}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const dur = (key: string, value: unknown, where: string, parse: (s: string) => number): number => {
    try {
      if (typeof value !== 'string') throw new Error();
      return parse(value);
    } catch {
      p(where, `expected ${key === 'at' ? '"<days>d HH:MM", like "1d 06:00"' : 'a duration like "9h" or "1d"'}, got ${JSON.stringify(value)}`);
      return 0;
    }
  };
  switch (o.kind) {
    case 'burst':
      return { ok: true, value: { kind: 'burst' } };
    case 'ramp': {
      const start = num('start', (n) => Number.isInteger(n) && n > 0, 'a whole number > 0');
      const growth = num('growth', (n) => n > 0, '> 0');
      const cap = num('cap', (n) => Number.isInteger(n) && n > 0, 'a whole number > 0');
      const step = dur('step', o.step ?? '1d', 'step', (s) => parseDuration(s));
      if (o.step !== undefined && step <= 0) p('step', 'must be a positive duration');
      if (problems.length === 0 && cap < start) p('cap', `must be >= start (${start}), got ${cap}`);
      return problems.length ? { ok: false, problems } : { ok: true, value: { kind: 'ramp', start, growth, step: step > 0 ? step : 86_400_000, cap } };
    }
    case 'script': {
      if (!Array.isArray(o.sends) || o.sends.length === 0) {
        p('sends', 'expected a non-empty list of { at, count, over }');
        return { ok: false, problems };
      }
      const sends = o.sends.map((s: unknown, i: number): ScriptEntry => {
        const e = (s ?? {}) as Record<string, unknown>;
        const at = dur('at', e.at, `sends[${i}].at`, (x) => parseDayTime(x));
        const over = e.over === undefined ? 0 : dur('over', e.over, `sends[${i}].over`, (x) => parseDuration(x));
        if (typeof e.count !== 'number' || !Number.isInteger(e.count) || e.count <= 0) p(`sends[${i}].count`, `must be a whole number > 0, got ${JSON.stringify(e.count)}`);
        return { at, count: e.count as number, over };
      });
      return problems.length ? { ok: false, problems } : { ok: true, value: { kind: 'script', sends } };
    }
    default:
      return { ok: false, problems: [{ path: `${path}.kind`, message: `expected one of script, ramp, burst, got ${JSON.stringify(o.kind)}` }] };
  }
}
