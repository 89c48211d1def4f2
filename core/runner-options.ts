/**
 * The runner's safety and retry settings, resolved once from a loose spec (the bot's config, a
 * scenario) with documented defaults.
 */
import { describe, invalidArgument } from './errors.ts';
import { HOUR, MINUTE, SECOND, type Duration } from './time.ts';

export interface RunnerOptions {
  /** Pause when a sending number's quality drops to this or lower (HIGH→MEDIUM is 'MEDIUM'; anything→LOW is 'LOW'). */
  readonly pauseOnQuality: 'MEDIUM' | 'LOW';
  /** Pause when more than this share of recent outcomes failed (Convonite fails a campaign at 25 % of a batch). */
  readonly maxFailureShare: number;
  /** How many recent outcomes the failure share is taken over, and the fewest that may trigger it. */
  readonly failureWindow: number;
  readonly failureMinSample: number;
  /** A send that may have gone out waits this long for a status webhook before it is reported unknown. */
  readonly maybeSentTimeout: Duration;
  /**
   * After its last send, a campaign stays running this long for delivery reports, so a sequence's
   * next step and a 131049 follow-up can still be scheduled; then it completes.
   */
  readonly deliveryWait: Duration;
  /** Backoff for transport failures (certainly not sent): base, factor, attempts. */
  readonly transportRetry: { readonly baseMs: Duration; readonly factor: number; readonly maxAttempts: number };
  /** Follow-ups after 131049 (per-user marketing limit): at most this many, each ≥ 24 h later (from core's retry advice). */
  readonly frequencyCapRetries: number;
  /** The pacing tick: throughput is granted per tick. */
  readonly tick: Duration;
  /** Send from the main number too (never by default: it keeps customer service and its history). */
  readonly allowMainNumber: boolean;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  pauseOnQuality: 'MEDIUM',
  maxFailureShare: 0.25,
  failureWindow: 200,
  failureMinSample: 20,
  maybeSentTimeout: 1 * HOUR,
  deliveryWait: 1 * HOUR,
  transportRetry: { baseMs: 2 * SECOND, factor: 4, maxAttempts: 5 },
  frequencyCapRetries: 3,
  tick: SECOND,
  allowMainNumber: false,
};

export function runnerOptions(spec: Partial<RunnerOptions> = {}): RunnerOptions {
  if (spec === null || typeof spec !== 'object') throw invalidArgument('runner options', `got ${describe(spec)}, expected an object`);
  const o = { ...DEFAULT_RUNNER_OPTIONS, ...spec, transportRetry: { ...DEFAULT_RUNNER_OPTIONS.transportRetry, ...(spec.transportRetry ?? {}) } };
  if (o.pauseOnQuality !== 'MEDIUM' && o.pauseOnQuality !== 'LOW') throw invalidArgument('pauseOnQuality', `got ${describe(o.pauseOnQuality)}, expected MEDIUM or LOW`);
  if (!(typeof o.maxFailureShare === 'number' && o.maxFailureShare > 0 && o.maxFailureShare <= 1)) throw invalidArgument('maxFailureShare', `got ${describe(o.maxFailureShare)}, expected a share in (0, 1], like 0.25`);
  if (!(Number.isInteger(o.failureWindow) && o.failureWindow > 0)) throw invalidArgument('failureWindow', `got ${describe(o.failureWindow)}, expected a whole number > 0`);
  if (!(Number.isInteger(o.failureMinSample) && o.failureMinSample > 0 && o.failureMinSample <= o.failureWindow)) throw invalidArgument('failureMinSample', `got ${describe(o.failureMinSample)}, expected a whole number in [1, failureWindow]`);
  if (!(o.maybeSentTimeout >= MINUTE)) throw invalidArgument('maybeSentTimeout', `got ${describe(o.maybeSentTimeout)}, expected at least one minute in ms`);
  if (!(typeof o.deliveryWait === 'number' && o.deliveryWait >= 0)) throw invalidArgument('deliveryWait', `got ${describe(o.deliveryWait)}, expected a duration in ms >= 0`);
  if (!(o.tick > 0)) throw invalidArgument('tick', `got ${describe(o.tick)}, expected a positive duration in ms`);
  return o;
}
