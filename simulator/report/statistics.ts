/**
 * The few statistics the reports need, written out so their definitions are plain: Wilson score
 * intervals for risks (honest at 0 and at small n, where the normal approximation claims a zero
 * width), a normal interval for means, and linearly interpolated quantiles.
 */

/** A proportion with its 95 % interval. */
export interface Interval {
  readonly p: number;
  readonly lo: number;
  readonly hi: number;
}

/** A mean with the 95 % interval of the mean (not of single replications). */
export interface MeanEstimate {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** The 97.5th percentile of the standard normal distribution. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` out of `trials` (Wilson 1927; Newcombe 1998, method 3).
 * No trials: nothing is known, so [0, 1] around 0.
 */
export function wilson(successes: number, trials: number, z = Z95): Interval {
  if (!Number.isInteger(trials) || trials < 0 || !Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilson: expected whole numbers 0 <= successes <= trials, got ${successes} of ${trials}`);
  }
  if (trials === 0) return { p: 0, lo: 0, hi: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At the edges the formula gives exactly 0 or 1 in exact arithmetic; clamp float residue.
  return {
    p,
    lo: successes === 0 ? 0 : Math.max(0, centre - half),
    hi: successes === trials ? 1 : Math.min(1, centre + half),
  };
}

/** Mean and its 95 % normal interval (sample standard deviation; one value has no spread). */
export function meanInterval(values: readonly number[], z = Z95): MeanEstimate {
  const n = values.length;
  if (n === 0) return { mean: 0, lo: 0, hi: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, lo: mean, hi: mean };
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const half = z * Math.sqrt(squares / (n - 1) / n);
  return { mean, lo: mean - half, hi: mean + half };
}

/** The q-quantile of ascending `sorted` values, interpolating between ranks (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const a = sorted[below]!;
  const b = sorted[above]!;
  return a + (b - a) * (position - below);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Six decimals: enough for any risk or day count, short enough to read in the JSON. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
