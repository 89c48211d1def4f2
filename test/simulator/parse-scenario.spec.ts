import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DAY, HOUR, MINUTE } from '../../core/index.ts';
import { parseScenario } from '../../simulator/scenario/parse-scenario.ts';
import { DEFAULT_PROPENSITIES } from '../../simulator/scenario/parse-audience.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');

const MINIMAL = `policy: meta-2023
seed: 7
replications: 1
horizon: 6d
portfolio:
  numbers:
    - { id: n1, role: campaign, tier: TIER_1K, quality: HIGH, status: CONNECTED }
audience:
  segments:
    - { name: all, size: 20000, behaviour: silent }
plans:
  example1:
    from: n1
    schedule:
      kind: script
      sends:
        - { at: "0d 06:00", count: 500, over: "9h" }
        - { at: "1d 06:00", count: 500, over: "9h" }
events:
  - { at: "3d 00:00", number: n1, quality: LOW }
`;

/** Loose YAML-shaped data, edited freely by the tests below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any field of any depth is rewritten on purpose
type Doc = Record<string, any>;

/** A valid scenario as data, for tests to break one field at a time. */
function base(): Doc {
  return {
    policy: 'meta-2025-10',
    portfolio: { numbers: [{ id: 'n1', tier: 'TIER_2K', quality: 'HIGH' }, { id: 'n2' }] },
    audience: { segments: [{ name: 'all', size: 1000 }, { name: 'vip', size: 50, optIn: 'explicit' }] },
    plans: {
      warmup: { from: 'n1', schedule: { kind: 'ramp', start: 50, growth: 1.5, step: '1d', cap: 1000 } },
      burst: { from: ['n1', 'n2'], schedule: { kind: 'burst' }, segments: ['all'] },
    },
  };
}

function problems(doc: unknown): string[] {
  const result = parseScenario(typeof doc === 'string' ? doc : stringify(doc), 'test');
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

function broken(edit: (s: Doc) => void): string[] {
  const s = base();
  edit(s);
  return problems(s);
}

describe('scenario files', () => {
  it('should parse every shipped scenario', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['minimal.yaml', 'seed-examples.yaml', 'warmup-vs-burst.yaml', 'new-number-250.yaml']));
    const policies = new Set<string>();
    for (const file of files) {
      const result = parseScenario(readFileSync(join(SCENARIOS, file), 'utf8'), file.replace(/\.yaml$/, ''));
      expect(result.ok ? [] : result.problems, file).toEqual([]);
      if (result.ok) policies.add(result.scenario.policy.name);
    }
    expect([...policies].sort()).toEqual(['meta-2023', 'meta-2025-10']);
  });

  it('should resolve the minimal scenario exactly as written', () => {
    const result = parseScenario(MINIMAL, 'minimal');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const s = result.scenario;
    expect(s).toMatchObject({ name: 'minimal', seed: 7, replications: 1, horizon: 6 * DAY, start: 0 });
    expect(s.policy.name).toBe('meta-2023');
    expect(s.portfolio.numbers).toEqual([{ id: 'n1', display: 'n1', role: 'campaign', tier: 'TIER_1K', quality: 'HIGH', status: 'CONNECTED', throughputMps: 80 }]);
    expect(s.audience.segments[0]).toMatchObject({ name: 'all', size: 20000, behaviour: 'silent', onWhatsApp: 1, offline: 0, block: 0, report: 0, stop: 0, read: 0 });
    expect(s.templates).toEqual([{ name: 'promo', category: 'MARKETING', quality: 'HIGH' }]);
    expect(s.plans).toEqual([{
      name: 'example1',
      from: ['n1'],
      template: 'promo',
      segments: ['all'],
      schedule: { kind: 'script', sends: [{ at: 6 * HOUR, count: 500, over: 9 * HOUR }, { at: DAY + 6 * HOUR, count: 500, over: 9 * HOUR }] },
    }]);
    expect(s.events).toEqual([{ at: 3 * DAY, number: 'n1', quality: 'LOW' }]);
    expect(s.expect).toEqual([]);
  });

  it('should fill the documented defaults', () => {
    const result = parseScenario(stringify(base()), 'base');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const s = result.scenario;
    expect(s).toMatchObject({ name: 'base', seed: 1, replications: 100, horizon: 30 * DAY });
    expect(s.policy.name).toBe('meta-2025-10');
    expect(s.portfolio).toMatchObject({ id: 'portfolio', verified: false });
    expect(s.portfolio.numbers[1]).toMatchObject({ id: 'n2', role: 'campaign', tier: 'TIER_250', quality: 'UNKNOWN', status: 'CONNECTED' });
    expect(s.audience.segments[0]).toEqual({ name: 'all', size: 1000, optIn: 'explicit', behaviour: 'normal', ...DEFAULT_PROPENSITIES });
    expect(s.plans.map((p) => [p.name, p.template, p.segments])).toEqual([['warmup', 'promo', ['all', 'vip']], ['burst', 'promo', ['all']]]);
    expect(s.plans[0]!.schedule).toEqual({ kind: 'ramp', start: 50, growth: 1.5, step: DAY, cap: 1000 });
  });

  it('should use the first template when a plan names none, and sort events by time', () => {
    const result = parseScenario(stringify({
      ...base(),
      templates: [{ name: 'news', category: 'UTILITY' }, { name: 'promo' }],
      events: [{ at: '2d 00:00', number: 'n2', status: 'FLAGGED' }, { at: '0d 12:30', number: 'n1', tier: '10K' }],
      expect: [{ plan: 'warmup', maxBanRisk: 0.05, reachTier: { tier: 'TIER_10K', within: '14d' } }, { plan: 'burst', maxFlagRisk: 0.5, minDelivered: 100 }],
    }), 'x');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const s = result.scenario;
    expect(s.templates).toEqual([{ name: 'news', category: 'UTILITY', quality: 'HIGH' }, { name: 'promo', category: 'MARKETING', quality: 'HIGH' }]);
    expect(s.plans[0]!.template).toBe('news');
    expect(s.events).toEqual([{ at: 12 * HOUR + 30 * MINUTE, number: 'n1', tier: 'TIER_10K' }, { at: 2 * DAY, number: 'n2', status: 'FLAGGED' }]);
    expect(s.expect).toEqual([
      { kind: 'max-ban-risk', plan: 'warmup', p: 0.05 },
      { kind: 'reach-tier', plan: 'warmup', tier: 'TIER_10K', within: 14 * DAY },
      { kind: 'max-flag-risk', plan: 'burst', p: 0.5 },
      { kind: 'min-delivered', plan: 'burst', count: 100 },
    ]);
  });
});

describe('scenario problems', () => {
  it('should report a zero growth with its path (core parses the schedule)', () => {
    expect(broken((s) => (s.plans.warmup.schedule.growth = 0))).toEqual(['plans.warmup.schedule.growth: must be > 0, got 0']);
  });

  it('should name the tiers the policy has when a tier is unknown', () => {
    expect(broken((s) => (s.portfolio.numbers[0].tier = 'TIER_3K'))).toEqual([
      'portfolio.numbers[0].tier: got "TIER_3K", expected one of TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED',
    ]);
    expect(broken((s) => (s.policy = 'meta-2023'))).toEqual([
      'portfolio.numbers[0].tier: TIER_2K does not exist under meta-2023, expected one of TIER_250, TIER_1K, TIER_10K, TIER_100K, TIER_UNLIMITED',
    ]);
  });

  it('should flag unknown keys and suggest the likely one', () => {
    expect(broken((s) => {
      s.audience.segments[0] = { name: 'all', sise: 1000 };
    })).toEqual([
      // A missing key is placed at its parent, which starts before the misspelt key.
      'audience.segments[0].size: is required (a whole number from 1 to 10000000)',
      'audience.segments[0].sise: unknown key (did you mean size?)',
    ]);
    expect(broken((s) => (s.horizn = '3d'))).toEqual(['horizn: unknown key (did you mean horizon?)']);
    expect(broken((s) => (s.plans.warmup.schedule.stepp = '1d'))).toEqual(['plans.warmup.schedule.stepp: unknown key (did you mean step?)']);
    expect(broken((s) => (s.colour = 'red'))[0]).toMatch(/^colour: unknown key, expected one of name, description, policy, /);
  });

  it('should check that plans name existing numbers, segments and templates', () => {
    expect(broken((s) => {
      s.plans.warmup.from = ['n1', 'n9'];
      s.plans.warmup.segments = ['al'];
      s.plans.warmup.template = 'promp';
      s.plans.burst.from = 'x';
    })).toEqual([
      'plans.warmup.from[1]: "n9" is not a number id in portfolio.numbers (did you mean n1?), expected one of n1, n2',
      'plans.warmup.segments[0]: "al" is not a segment in audience.segments (did you mean all?), expected one of all, vip',
      'plans.warmup.template: "promp" is not a template in templates (did you mean promo?), expected one of promo',
      'plans.burst.from: "x" is not a number id in portfolio.numbers, expected one of n1, n2',
    ]);
  });

  it('should check top-level values', () => {
    expect(broken((s) => {
      s.policy = 'meta-2024';
      s.seed = -1;
      s.replications = 0;
      s.horizon = '30x';
    })).toEqual([
      'policy: got "meta-2024", expected one of meta-2023, meta-2025-10',
      'seed: must be a whole number from 0 to 4294967295, got -1',
      'replications: must be a whole number from 1 to 100000, got 0',
      'horizon: got "30x", expected a number and a unit (ms, s, m, h, d, w), like "9h" or "30d"',
    ]);
  });

  it('should check numbers field by field', () => {
    expect(broken((s) => {
      s.portfolio.numbers[0] = { id: 'n1', role: 'campaigns', quality: 'PURPLE', status: 'ONLINE', throughputMps: 0 };
      s.portfolio.numbers[1].id = 'n1';
    })).toEqual([
      'portfolio.numbers[0].role: got "campaigns", expected one of campaign, main',
      'portfolio.numbers[0].quality: got "PURPLE", expected one of HIGH, MEDIUM, LOW, UNKNOWN, GREEN, YELLOW, RED, NA',
      'portfolio.numbers[0].status: got "ONLINE", expected one of CONNECTED, FLAGGED, RESTRICTED, RATE_LIMITED, BANNED, DISCONNECTED, PENDING, DELETED, MIGRATED, UNVERIFIED, UNKNOWN',
      'portfolio.numbers[0].throughputMps: must be a number > 0 <= 1000, got 0',
      'portfolio.numbers[1].id: duplicate number id "n1"',
      'plans.burst.from[1]: "n2" is not a number id in portfolio.numbers (did you mean n1?), expected one of n1',
    ]);
  });

  it('should check segments', () => {
    expect(broken((s) => {
      s.audience.segments[0] = { name: 'all', size: 10.5, behaviour: 'quiet', optIn: 'maybe', block: 2 };
      s.audience.segments[1] = { name: 'vip', size: 5, behaviour: 'silent', report: 0.1 };
    })).toEqual([
      'audience.segments[0].size: must be a whole number from 1 to 10000000, got 10.5',
      'audience.segments[0].behaviour: got "quiet", expected one of normal, silent',
      'audience.segments[0].optIn: got "maybe", expected one of explicit, implied, none',
      'audience.segments[0].block: must be a number from 0 to 1, got 2',
      'audience.segments[1].report: a silent segment gives no feedback: remove report or use behaviour: normal',
    ]);
  });

  it('should check scripted sends, and that they fall inside the horizon', () => {
    expect(broken((s) => {
      s.horizon = '2d';
      s.plans.warmup.schedule = { kind: 'script', sends: [{ at: '0d 25:00', count: 0, over: '9' }, 'oops', { at: '1d 06:00', count: 5, ovr: '1h' }] };
      s.plans.burst.schedule = { kind: 'script', sends: [{ at: '2d 06:00', count: 5 }] };
    })).toEqual([
      'plans.warmup.schedule.sends[0].at: expected "<days>d HH:MM", like "1d 06:00", got "0d 25:00"',
      'plans.warmup.schedule.sends[0].count: must be a whole number > 0, got 0',
      'plans.warmup.schedule.sends[0].over: expected a duration like "9h" or "1d", got "9"',
      'plans.warmup.schedule.sends[1]: expected { at, count, over } like { at: "0d 06:00", count: 500, over: "9h" }',
      'plans.warmup.schedule.sends[2].ovr: unknown key (did you mean over?)',
      'plans.burst.schedule.sends[0].at: "2d 06:00" is at or after the horizon (2d): nothing of it would be sent',
    ]);
    expect(broken((s) => (s.plans.burst.schedule = { kind: 'blast' }))).toEqual(['plans.burst.schedule.kind: expected one of script, ramp, burst, got "blast"']);
    expect(broken((s) => delete s.plans.burst.schedule)).toEqual(['plans.burst.schedule: is required (an object with a kind: script, ramp or burst)']);
  });

  it('should check events and expectations', () => {
    expect(broken((s) => {
      s.events = [{ at: '3d', number: 'n3', quality: 'LOW' }, { at: '1d 00:00', number: 'n1' }, { at: '40d 00:00', number: 'n1', tier: 'TIER_1K' }];
      s.expect = [{ plan: 'warmpu', maxBanRisk: 5 }, { plan: 'burst', reachTier: { tier: 'TIER_10K', within: '90d' } }, { plan: 'burst' }];
    })).toEqual([
      'events[0].at: got "3d", expected "<days>d HH:MM" from the start, like "1d 06:00"',
      'events[0].number: "n3" is not a number id in portfolio.numbers (did you mean n1?), expected one of n1, n2',
      'events[1]: sets nothing: give at least one of quality, status, tier',
      'events[2].at: "40d 00:00" is at or after the horizon (30d): it would never happen',
      'events[2].tier: TIER_1K does not exist under meta-2025-10, expected one of TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED',
      'expect[0].plan: "warmpu" is not a plan in plans (did you mean warmup?), expected one of warmup, burst',
      'expect[0].maxBanRisk: must be a number from 0 to 1, got 5',
      'expect[1].reachTier.within: is beyond the horizon (30d): the run cannot see that far',
      'expect[2]: asserts nothing: give at least one of maxBanRisk, maxFlagRisk, reachTier, minDelivered',
    ]);
  });

  it('should report missing sections rather than fail', () => {
    expect(problems('seed: 3\n')).toEqual([
      'portfolio: is required (a mapping with numbers: [...])',
      'audience: is required (a mapping with segments: [...])',
      'plans: is required (a mapping of plan names to { from, schedule })',
    ]);
    expect(problems('')).toEqual([': the file is empty: expected a scenario, a mapping with portfolio, audience and plans']);
    expect(problems('- 1\n- 2\n')).toEqual([': expected a scenario: a mapping with portfolio, audience and plans, got an array of 2']);
  });

  it('should list every problem at once, in file order, with its line', () => {
    const text = MINIMAL.replace('tier: TIER_1K', 'tier: TIER_3K').replace('size: 20000', 'sise: 20000').replace('count: 500, over: "9h" }\n        - { at: "1d', 'count: -5, over: "9h" }\n        - { at: "1d');
    const result = parseScenario(text, 'm');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.path])).toEqual([
      [7, 'portfolio.numbers[0].tier'],
      [10, 'audience.segments[0].size'],
      [10, 'audience.segments[0].sise'],
      [17, 'plans.example1.schedule.sends[0].count'],
    ]);
  });

  it('should report YAML syntax errors with their line', () => {
    const result = parseScenario('policy: meta-2023\nplans:\n  a: { from: n1\n  b: 2\n', 'bad');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems[0]!.path).toMatch(/^line \d+, column \d+$/);
    expect(result.problems[0]!.line).toBeGreaterThanOrEqual(3);
    const dup = parseScenario('seed: 1\nseed: 2\n', 'dup');
    expect(dup.ok ? [] : dup.problems.map((p) => [p.line, p.message])).toEqual([[2, 'Map keys must be unique']]);
  });
});
