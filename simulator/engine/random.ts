/**
 * Seeded randomness for the simulator: named, independent streams derived from one seed, so that
 * adding a draw in one model does not shift every other model's draws (common random numbers
 * across the plans a scenario compares). Built on pure-rand's xoroshiro128+.
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** The Random port: what a model may ask of chance. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An exponential variate with the given mean. */
  exponential(mean: number): number;
}

/** 32-bit FNV-1a, to turn a stream name into part of a seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mix two 32-bit values (a splitmix-style finaliser) into a well-spread seed. */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

class PureRandom implements Random {
  constructor(private readonly gen: RandomGenerator) {}

  next(): number {
    // 53 bits from two 32-bit draws: uniform over [0, 1) at double precision.
    const hi = this.gen.unsafeNext() >>> 5;
    const lo = this.gen.unsafeNext() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.gen);
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/** A stream of its own for `name`, derived from `seed`. */
export function randomStream(seed: number, name: string): Random {
  return new PureRandom(xoroshiro128plus(mixSeed(seed, fnv1a(name))));
}
