import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.ts';
import { parseTier, tierLimit } from '../../core/tier.ts';
import { getPolicy, lowerTier, nextTier } from '../../core/policy.ts';
import { parseQuality, qualityAtLeast, worstQuality } from '../../core/quality.ts';

describe('tiers', () => {
  it('should parse Meta names and aliases', () => {
    expect(parseTier('TIER_1K')).toBe('TIER_1K');
    expect(parseTier('tier_1000')).toBe('TIER_1K');
    expect(parseTier('unlimited')).toBe('TIER_UNLIMITED');
    expect(tierLimit('TIER_2K')).toBe(2000);
  });

  it('should refuse an unknown tier with a typed error naming the choices', () => {
    const err = (() => { try { parseTier('TIER_3K'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('WA_UNKNOWN_TIER');
    expect((err as CoreError).message).toMatch(/got "TIER_3K", expected one of TIER_50, TIER_250/);
    expect(() => parseTier(undefined)).toThrow(/got undefined/);
    expect(() => parseTier({})).toThrow(CoreError);
  });
});

describe('policies', () => {
  it('should walk each policy ladder up and down', () => {
    const p23 = getPolicy('meta-2023');
    expect(nextTier(p23, 'TIER_250')).toBe('TIER_1K');
    expect(nextTier(p23, 'TIER_UNLIMITED')).toBeUndefined();
    expect(lowerTier(p23, 'TIER_10K')).toBe('TIER_1K');
    expect(lowerTier(p23, 'TIER_250')).toBe('TIER_250');
    const p25 = getPolicy();
    expect(p25.name).toBe('meta-2025-10');
    expect(nextTier(p25, 'TIER_250')).toBe('TIER_2K');
  });

  it('should refuse an unknown policy name', () => {
    expect(() => getPolicy('meta-2019')).toThrow(/policy: got "meta-2019", expected one of meta-2023, meta-2025-10/);
  });
});

describe('quality ratings', () => {
  it('should map the API colours', () => {
    expect(parseQuality('GREEN')).toBe('HIGH');
    expect(parseQuality('yellow')).toBe('MEDIUM');
    expect(parseQuality('RED')).toBe('LOW');
    expect(parseQuality('NA')).toBe('UNKNOWN');
    expect(() => parseQuality('PURPLE')).toThrow(/quality rating: got "PURPLE"/);
    expect(qualityAtLeast('UNKNOWN', 'MEDIUM')).toBe(false);
    expect(worstQuality(['HIGH', 'LOW', 'MEDIUM'])).toBe('LOW');
  });
});
