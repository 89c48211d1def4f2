/**
 * `expect[]`: assertions `wa-sim check` verifies after a run, for CI. One entry names a plan and
 * any of maxBanRisk, maxFlagRisk, reachTier, minDelivered; each becomes one Expectation.
 */
import type { Duration, Policy } from '../../core/index.ts';
import type { Expectation } from './scenario.ts';
import { childPath, formatSpan, type FieldReader } from './field-reader.ts';
import { readTier } from './parse-portfolio.ts';

export const EXPECT_KEYS = ['plan', 'maxBanRisk', 'maxFlagRisk', 'reachTier', 'minDelivered'] as const;

export function parseExpectations(raw: unknown, context: { plans: readonly string[]; horizon: Duration; policy: Policy }, read: FieldReader): Expectation[] {
  if (raw === undefined) return [];
  const list = read.list(raw, 'expect', 'a list like { plan: warmup, maxBanRisk: 0.05 }');
  if (!list) return [];
  const expectations: Expectation[] = [];
  list.forEach((item, i) => {
    const path = childPath('expect', i);
    const e = read.mapping(item, path, 'an expectation like { plan: warmup, maxBanRisk: 0.05 }');
    if (!e) return;
    read.keys(e, path, EXPECT_KEYS);
    const plan = read.name(e, 'plan', path, context.plans, 'a plan in plans');
    const found: Expectation[] = [];
    const p = plan ?? '';
    if (e.maxBanRisk !== undefined) {
      const max = read.number(e, 'maxBanRisk', path, { min: 0, max: 1 });
      if (max !== undefined) found.push({ kind: 'max-ban-risk', plan: p, p: max });
    }
    if (e.maxFlagRisk !== undefined) {
      const max = read.number(e, 'maxFlagRisk', path, { min: 0, max: 1 });
      if (max !== undefined) found.push({ kind: 'max-flag-risk', plan: p, p: max });
    }
    if (e.reachTier !== undefined) {
      const where = childPath(path, 'reachTier');
      const r = read.mapping(e.reachTier, where, 'a mapping like { tier: TIER_10K, within: 7d }');
      if (r) {
        read.keys(r, where, ['tier', 'within']);
        if (r.tier === undefined) read.add(childPath(where, 'tier'), `is required (one of ${context.policy.tiers.join(', ')})`);
        const tier = readTier(read, r, 'tier', where, context.policy);
        const within = read.duration(r, 'within', where);
        if (within !== undefined && within > context.horizon) {
          read.add(childPath(where, 'within'), `is beyond the horizon (${formatSpan(context.horizon)}): the run cannot see that far`);
        }
        if (tier !== undefined && within !== undefined) found.push({ kind: 'reach-tier', plan: p, tier, within });
      }
    }
    if (e.minDelivered !== undefined) {
      const count = read.number(e, 'minDelivered', path, { integer: true, min: 0 });
      if (count !== undefined) found.push({ kind: 'min-delivered', plan: p, count });
    }
    if (e.maxBanRisk === undefined && e.maxFlagRisk === undefined && e.reachTier === undefined && e.minDelivered === undefined) {
      read.add(path, 'asserts nothing: give at least one of maxBanRisk, maxFlagRisk, reachTier, minDelivered');
    }
    if (plan !== undefined) expectations.push(...found);
  });
  return expectations;
}
