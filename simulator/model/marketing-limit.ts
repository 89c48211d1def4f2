/**
 * Per-user marketing limit (131049): Meta holds back a marketing message from a person who got
 * many from businesses lately. Other businesses' messages today are a Poisson draw (their mean
 * for a silent segment, with a fixed spread instead of a draw).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
import type { Random } from '../engine/random.ts';
import { ALPHA_MARKETING, weyl, type Audience } from './audience.ts';
import type { ModelParameters } from './parameters.ts';

/** Is our message to `i` held back? `ourDay` is 1 when we already sent `i` one in the last 24 h. */
export function marketingLimited(rng: Random, params: ModelParameters, audience: Audience, i: number, ourDay: number): boolean {
  const p = params.marketingLimit;
  const silent = audience.isSilent(i);
  const others = silent ? p.othersPerDay : poisson(rng, p.othersPerDay);
  const over = ourDay + 1 + others - p.allowance;
  if (over <= 0) return false;
  const chance = 1 - Math.exp(-p.perExtra * over);
  return (silent ? weyl(i, ALPHA_MARKETING) : rng.next()) < chance;
}

/** A Poisson variate: Knuth's method for the usual few a day, a rounded normal for large means. */
function poisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const normal = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}
