/**
 * Resolved scenarios for tests, built directly (no YAML): one campaign number, one normal
 * segment, one approved marketing template, a burst plan; override any part.
 */
import { createPhoneNumber, getPolicy, HOUR, type PhoneNumberSpec, type PlanSchedule, type PolicyName } from '../../core/index.ts';
import { DEFAULT_MODEL_PARAMETERS } from '../../simulator/model/parameters.ts';
import type { ForcedEvent, PlanSpec, Scenario, Segment, TemplateSpec } from '../../simulator/scenario/scenario.ts';

export const NORMAL: Omit<Segment, 'name' | 'size'> = {
  optIn: 'explicit', behaviour: 'normal', onWhatsApp: 0.95, offline: 0.15, reconnectMean: 4 * HOUR,
  read: 0.7, reply: 0.05, block: 0.004, report: 0.001, stop: 0.005,
};

export const SILENT: Omit<Segment, 'name' | 'size'> = {
  optIn: 'explicit', behaviour: 'silent', onWhatsApp: 1, offline: 0, reconnectMean: 4 * HOUR,
  read: 0, reply: 0, block: 0, report: 0, stop: 0,
};

export function segment(name: string, size: number, overrides: Partial<Segment> = {}): Segment {
  return { name, size, ...NORMAL, ...overrides };
}

export function plan(name: string, schedule: PlanSchedule, overrides: Partial<PlanSpec> = {}): PlanSpec {
  return { name, from: ['n1'], schedule, template: 'promo', segments: [], ...overrides };
}

export interface ScenarioOverrides {
  readonly policy?: PolicyName;
  readonly seed?: number;
  readonly horizon?: number;
  readonly numbers?: readonly PhoneNumberSpec[];
  readonly verified?: boolean;
  readonly segments?: readonly Segment[];
  readonly templates?: readonly TemplateSpec[];
  readonly plans?: readonly PlanSpec[];
  readonly events?: readonly ForcedEvent[];
  readonly params?: Scenario['params'];
}

export function makeScenario(o: ScenarioOverrides = {}): Scenario {
  return {
    name: 'test',
    policy: getPolicy(o.policy ?? 'meta-2023'),
    seed: o.seed ?? 7,
    replications: 1,
    horizon: o.horizon ?? 6 * 24 * HOUR,
    start: 0,
    portfolio: {
      id: 'portfolio',
      verified: o.verified ?? false,
      numbers: (o.numbers ?? [{ id: 'n1', tier: 'TIER_1K', quality: 'HIGH', status: 'CONNECTED' }]).map((n) => createPhoneNumber(n)),
    },
    audience: { segments: o.segments ?? [segment('all', 20_000)] },
    templates: o.templates ?? [{ name: 'promo', category: 'MARKETING', quality: 'HIGH' }],
    plans: o.plans ?? [plan('burst', { kind: 'burst' })],
    events: o.events ?? [],
    expect: [],
    params: o.params ?? DEFAULT_MODEL_PARAMETERS,
  };
}
