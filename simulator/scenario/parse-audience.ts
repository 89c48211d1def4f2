/**
 * `audience.segments[]`: who the plans send to, and how they react. Meta publishes none of these
 * rates; the defaults are moderate figures for an opted-in marketing list, chosen so that a
 * steady, small campaign stays at HIGH quality and a burst to tired recipients does not.
 */
import type { Segment } from './scenario.ts';
import { childPath, type FieldReader } from './field-reader.ts';
import { HOUR } from '../../core/index.ts';

export const SEGMENT_KEYS = ['name', 'size', 'optIn', 'behaviour', 'onWhatsApp', 'offline', 'reconnectMean', 'read', 'reply', 'block', 'report', 'stop'] as const;

const FEEDBACK_KEYS = ['read', 'reply', 'block', 'report', 'stop'] as const;

type Propensities = Omit<Segment, 'name' | 'size' | 'optIn' | 'behaviour'>;

/**
 * Defaults for `behaviour: normal`, per delivered message before fatigue.
 * - onWhatsApp 0.95: even opted-in lists hold numbers that left WhatsApp (seed 000's first cause of failure).
 * - offline 0.15, back within 4 h on average: phones off, no data, flat batteries (seed 000).
 * - read 0.7, reply 0.05: typical of marketing templates to an opted-in list.
 * - block 0.004, report 0.001, stop 0.005: together ~1 % negative feedback, the rate that third-party
 *   guidance says starts to pull a rating down, so fatigue (not the baseline) decides a plan's fate.
 */
export const DEFAULT_PROPENSITIES: Readonly<Propensities> = {
  onWhatsApp: 0.95,
  offline: 0.15,
  reconnectMean: 4 * HOUR,
  read: 0.7,
  reply: 0.05,
  block: 0.004,
  report: 0.001,
  stop: 0.005,
};

/** `behaviour: silent`: everyone is reachable at once and nobody reacts, so a run is deterministic. */
export const SILENT_PROPENSITIES: Readonly<Propensities> = {
  onWhatsApp: 1,
  offline: 0,
  reconnectMean: 4 * HOUR,
  read: 0,
  reply: 0,
  block: 0,
  report: 0,
  stop: 0,
};

/** The largest audience a scenario may name (memory grows with it). */
const MAX_SEGMENT_SIZE = 10_000_000;

export function parseAudience(raw: unknown, read: FieldReader): Segment[] {
  const audience = read.mapping(raw, 'audience', 'a mapping with segments: [...]');
  if (!audience) return [];
  read.keys(audience, 'audience', ['segments']);
  const list = read.list(audience.segments, 'audience.segments', 'a list of segments like { name: all, size: 20000 }');
  if (!list) return [];
  if (list.length === 0) read.add('audience.segments', 'expected at least one segment');
  const segments: Segment[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const path = childPath('audience.segments', i);
    const s = read.mapping(item, path, 'a segment like { name: all, size: 20000 }');
    if (!s) return;
    read.keys(s, path, SEGMENT_KEYS);
    const name = read.string(s, 'name', path);
    if (name !== undefined) {
      if (seen.has(name)) read.add(childPath(path, 'name'), `duplicate segment name ${JSON.stringify(name)}`);
      seen.add(name);
    }
    const size = read.number(s, 'size', path, { integer: true, min: 1, max: MAX_SEGMENT_SIZE });
    const optIn = read.oneOf(s, 'optIn', path, ['explicit', 'implied', 'none'] as const, 'explicit');
    const behaviour = read.oneOf(s, 'behaviour', path, ['normal', 'silent'] as const, 'normal');
    const base = behaviour === 'silent' ? SILENT_PROPENSITIES : DEFAULT_PROPENSITIES;
    if (behaviour === 'silent') {
      for (const key of FEEDBACK_KEYS) {
        if (s[key] !== undefined) read.add(childPath(path, key), `a silent segment gives no feedback: remove ${key} or use behaviour: normal`);
      }
    }
    const segment: Segment = {
      name: name ?? `segment${i}`,
      size: size ?? 1,
      optIn,
      behaviour,
      onWhatsApp: read.probability(s, 'onWhatsApp', path, base.onWhatsApp),
      offline: read.probability(s, 'offline', path, base.offline),
      reconnectMean: read.duration(s, 'reconnectMean', path, base.reconnectMean) ?? base.reconnectMean,
      read: behaviour === 'silent' ? 0 : read.probability(s, 'read', path, base.read),
      reply: behaviour === 'silent' ? 0 : read.probability(s, 'reply', path, base.reply),
      block: behaviour === 'silent' ? 0 : read.probability(s, 'block', path, base.block),
      report: behaviour === 'silent' ? 0 : read.probability(s, 'report', path, base.report),
      stop: behaviour === 'silent' ? 0 : read.probability(s, 'stop', path, base.stop),
    };
    segments.push(segment);
  });
  return segments;
}
