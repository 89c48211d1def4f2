/**
 * Time in core/ is always an argument: an `Instant` is epoch milliseconds (or simulated
 * milliseconds from a run's start; core does not care which), a `Duration` is milliseconds.
 */
import { describe, invalidArgument } from './errors.ts';

export type Instant = number;
export type Duration = number;

export const SECOND: Duration = 1_000;
export const MINUTE: Duration = 60 * SECOND;
export const HOUR: Duration = 60 * MINUTE;
export const DAY: Duration = 24 * HOUR;

/** The Clock port: the bot passes the wall clock, the simulator its virtual clock. */
export interface Clock {
  now(): Instant;
}

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/;
const UNIT: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

/** Parse "9h", "30d", "90m", "1.5h" into milliseconds. */
export function parseDuration(text: string, what = 'duration'): Duration {
  const match = typeof text === 'string' ? DURATION_RE.exec(text) : null;
  if (!match) throw invalidArgument(what, `got ${describe(text)}, expected a number and a unit (ms, s, m, h, d, w), like "9h" or "30d"`);
  return Math.round(Number(match[1]) * UNIT[match[2] as string]!);
}

const OFFSET_RE = /^\s*(\d+)d\s+([01]?\d|2[0-3]):([0-5]\d)\s*$/;

/** Parse an offset from a run's start written "<days>d HH:MM", e.g. "1d 06:00". */
export function parseDayTime(text: string, what = 'time'): Duration {
  const match = typeof text === 'string' ? OFFSET_RE.exec(text) : null;
  if (!match) throw invalidArgument(what, `got ${describe(text)}, expected "<days>d HH:MM" from the start, like "1d 06:00"`);
  return Number(match[1]) * DAY + Number(match[2]) * HOUR + Number(match[3]) * MINUTE;
}

/** Format an offset as "<days>d HH:MM" (the inverse of parseDayTime, to the minute). */
export function formatDayTime(offset: Duration): string {
  const days = Math.floor(offset / DAY);
  const rest = offset - days * DAY;
  const hh = Math.floor(rest / HOUR);
  const mm = Math.floor((rest - hh * HOUR) / MINUTE);
  return `${days}d ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}
