/**
 * `portfolio`: the business portfolio and its phone numbers as they stand at the start of the run.
 * Each field is checked on its own so that every mistake is reported with its path; core's
 * `createPhoneNumber` then builds the number (and fills core's defaults).
 */
import { describe } from '../../core/errors.ts';
import {
  createPhoneNumber, parseNumberRole, DEFAULT_THROUGHPUT_MPS, parseNumberStatus, parseQuality, parseTier, MAX_THROUGHPUT_MPS,
  type PhoneNumber, type Policy, type TierName,
} from '../../core/index.ts';
import { childPath, type FieldReader, type Mapping } from './field-reader.ts';

export const NUMBER_KEYS = ['id', 'display', 'role', 'tier', 'quality', 'status', 'throughputMps'] as const;

export interface PortfolioSpec {
  readonly id: string;
  readonly verified: boolean;
  readonly numbers: readonly PhoneNumber[];
}

/** A tier name (or one of Meta's older spellings) that exists under the policy. */
export function readTier(read: FieldReader, object: Mapping, key: string, path: string, policy: Policy, fallback?: TierName): TierName | undefined {
  const value = object[key];
  if (value === undefined) return fallback;
  const where = childPath(path, key);
  let tier: TierName;
  try {
    tier = parseTier(value);
  } catch {
    read.add(where, `got ${describe(value)}, expected one of ${policy.tiers.join(', ')}`);
    return fallback;
  }
  if (!policy.tiers.includes(tier)) {
    read.add(where, `${tier} does not exist under ${policy.name}, expected one of ${policy.tiers.join(', ')}`);
    return fallback;
  }
  return tier;
}

export function parsePortfolio(raw: unknown, policy: Policy, read: FieldReader): PortfolioSpec {
  const empty: PortfolioSpec = { id: 'portfolio', verified: false, numbers: [] };
  const portfolio = read.mapping(raw, 'portfolio', 'a mapping with numbers: [...]');
  if (!portfolio) return empty;
  read.keys(portfolio, 'portfolio', ['id', 'verified', 'numbers']);
  const id = read.string(portfolio, 'id', 'portfolio', 'portfolio') ?? 'portfolio';
  let verified = false;
  if (portfolio.verified !== undefined) {
    if (typeof portfolio.verified === 'boolean') verified = portfolio.verified;
    else read.add('portfolio.verified', `expected true or false, got ${describe(portfolio.verified)}`);
  }
  const list = read.list(portfolio.numbers, 'portfolio.numbers', 'a list of numbers like { id: n1, tier: TIER_1K }');
  if (!list) return { ...empty, id, verified };
  if (list.length === 0) read.add('portfolio.numbers', 'expected at least one number');
  const numbers: PhoneNumber[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const path = childPath('portfolio.numbers', i);
    const n = read.mapping(item, path, 'a number like { id: n1, role: campaign, tier: TIER_1K }');
    if (!n) return;
    read.keys(n, path, NUMBER_KEYS);
    const numberId = read.string(n, 'id', path);
    if (numberId !== undefined) {
      if (seen.has(numberId)) read.add(childPath(path, 'id'), `duplicate number id ${JSON.stringify(numberId)}`);
      seen.add(numberId);
    }
    const display = n.display === undefined ? undefined : read.string(n, 'display', path);
    const role = read.parsed(n, 'role', path, 'campaign or main', 'campaign', parseNumberRole);
    const tier = readTier(read, n, 'tier', path, policy, policy.initialTier);
    const quality = read.parsed(n, 'quality', path, 'a quality rating', 'UNKNOWN', parseQuality);
    const status = read.parsed(n, 'status', path, 'a number status', 'CONNECTED', parseNumberStatus);
    const throughputMps = read.number(n, 'throughputMps', path, { min: 0, exclusiveMin: true, max: MAX_THROUGHPUT_MPS }, DEFAULT_THROUGHPUT_MPS);
    // Fallbacks stand in for bad fields so later checks (plans' `from`) see the id and report nothing twice.
    if (numberId === undefined) return;
    numbers.push(createPhoneNumber({ id: numberId, display, role, tier, quality, status, throughputMps }));
  });
  return { id, verified, numbers };
}
