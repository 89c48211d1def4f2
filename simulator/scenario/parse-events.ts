/**
 * `events[]`: forced changes at exact times ("quality drops to LOW at 3d 00:00"), to ask what a
 * plan does when something outside it happens. Returned in time order (ties in file order).
 */
import { formatDayTime, parseNumberStatus, parseQuality, type Duration, type Policy } from '../../core/index.ts';
import type { ForcedEvent } from './scenario.ts';
import { childPath, formatSpan, type FieldReader } from './field-reader.ts';
import { readTier } from './parse-portfolio.ts';

export function parseEvents(raw: unknown, context: { numbers: readonly string[]; horizon: Duration; policy: Policy }, read: FieldReader): ForcedEvent[] {
  if (raw === undefined) return [];
  const list = read.list(raw, 'events', 'a list of events like { at: "3d 00:00", number: n1, quality: LOW }');
  if (!list) return [];
  const events: ForcedEvent[] = [];
  list.forEach((item, i) => {
    const path = childPath('events', i);
    const e = read.mapping(item, path, 'an event like { at: "3d 00:00", number: n1, quality: LOW }');
    if (!e) return;
    read.keys(e, path, ['at', 'number', 'quality', 'status', 'tier']);
    const at = read.dayTime(e, 'at', path);
    if (at !== undefined && at >= context.horizon) {
      read.add(childPath(path, 'at'), `"${formatDayTime(at)}" is at or after the horizon (${formatSpan(context.horizon)}): it would never happen`);
    }
    const number = read.name(e, 'number', path, context.numbers, 'a number id in portfolio.numbers');
    const quality = read.optional(e, 'quality', path, parseQuality);
    const status = read.optional(e, 'status', path, parseNumberStatus);
    const tier = readTier(read, e, 'tier', path, context.policy);
    if (e.quality === undefined && e.status === undefined && e.tier === undefined) {
      read.add(path, 'sets nothing: give at least one of quality, status, tier');
    }
    if (at === undefined || number === undefined) return;
    events.push({
      at,
      number,
      ...(quality !== undefined && { quality }),
      ...(status !== undefined && { status }),
      ...(tier !== undefined && { tier }),
    });
  });
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at - b.event.at || a.index - b.index)
    .map(({ event }) => event);
}
