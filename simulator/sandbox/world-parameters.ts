/**
 * The sandbox world's parameters. Everything Meta does not publish comes from the simulator's
 * model parameters (`model`, same keys and bounds as a scenario's `params:`), and the audience is a
 * scenario segment (same propensities and defaults), so the bot meets in the sandbox the dynamics
 * the simulator predicts. What only the sandbox needs is here: how many recipients it can track,
 * when `sent` is reported, the pair-rate burst, and scripted recipients for tests.
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import { getPolicy, type Policy } from '../../core/policy.ts';
import { SECOND, type Duration } from '../../core/time.ts';
import { resolveModelParameters, type ModelParameters } from '../model/parameters.ts';
import { DEFAULT_PROPENSITIES, SILENT_PROPENSITIES } from '../scenario/parse-audience.ts';
import type { Segment } from '../scenario/scenario.ts';

/** A scenario segment without name and size: who the sandbox's recipients are. */
export type SandboxAudience = Omit<Segment, 'name' | 'size'>;

/** A recipient scripted by a test: each field fixes one outcome, and nothing about them is drawn. */
export interface RecipientScript {
  readonly onWhatsApp?: boolean;
  readonly offline?: boolean;
  readonly marketingCapped?: boolean;
  readonly read?: boolean;
  readonly block?: boolean;
  readonly report?: boolean;
  /** The text the recipient replies after reading (e.g. "STOP" or «إيقاف»). */
  readonly reply?: string;
}

export interface SandboxWorldParameters {
  readonly policy: Policy;
  readonly audience: SandboxAudience;
  /** Distinct recipients tracked (the model keeps typed arrays of this size); beyond it slots are reused. */
  readonly capacity: number;
  readonly model: ModelParameters;
  /** When `sent` is reported after acceptance (capped at the delivery latency). The model has no `sent` step. */
  readonly sentAfter: Duration;
  /**
   * Pair rate: one message per `pairInterval` to the same user, bursts of up to `pairBurst`
   * borrowing from later; over it 131056. https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
   */
  readonly pairBurst: number;
  readonly pairInterval: Duration;
  /** Meta documents no code for "messaging limit reached"; the failed status carries this one. */
  readonly limitReachedCode: number;
  readonly recipients: Readonly<Record<string, RecipientScript>>;
}

/** Meta: bursts of up to 45 messages to one user within 6 s, then one every 6 s. */
const PAIR_BURST = 45;
const PAIR_INTERVAL = 6 * SECOND;
/** 200,000 recipients cost about 4 MB in the model's arrays. */
const DEFAULT_CAPACITY = 200_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function section(raw: unknown, path: string): Obj {
  if (raw === undefined) return {};
  if (isObj(raw)) return raw;
  throw invalidArgument(path, `got ${describe(raw)}, expected an object`);
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw invalidArgument(`${path}.${extra}`, `unknown key, expected one of ${allowed.join(', ')}`);
}

function number(o: Obj, k: string, path: string, fallback: number, min: number, max = Number.POSITIVE_INFINITY, integer = false): number {
  const v = o[k];
  if (v === undefined) return fallback;
  if (typeof v === 'number' && v >= min && v <= max && (!integer || Number.isInteger(v))) return v;
  throw invalidArgument(`${path}.${k}`, `got ${describe(v)}, expected ${integer ? 'an integer' : 'a number'} from ${min}${max === Number.POSITIVE_INFINITY ? '' : ` to ${max}`}`);
}

const PROPENSITY_KEYS = ['onWhatsApp', 'offline', 'read', 'reply', 'block', 'report', 'stop'] as const;
const SCRIPT_KEYS = ['onWhatsApp', 'offline', 'marketingCapped', 'read', 'block', 'report', 'reply'] as const;

/** Merge loose input (options, a JSON file) over the defaults; every value is checked. */
export function resolveWorldParameters(raw: unknown, path = 'world'): SandboxWorldParameters {
  const o = section(raw, path);
  only(o, path, ['policy', 'audience', 'capacity', 'model', 'sentAfter', 'pairBurst', 'pairInterval', 'limitReachedCode', 'recipients']);
  const model = resolveModelParameters(o.model, `${path}.model`);
  if (model.problems.length > 0) throw invalidArgument(`${path}.model`, model.problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems: model.problems });
  return {
    policy: o.policy === undefined ? getPolicy() : getPolicy(o.policy),
    audience: resolveAudience(o.audience, `${path}.audience`),
    capacity: number(o, 'capacity', path, DEFAULT_CAPACITY, 1, 50_000_000, true),
    model: model.value,
    sentAfter: number(o, 'sentAfter', path, 500, 0),
    pairBurst: number(o, 'pairBurst', path, PAIR_BURST, 1, Number.POSITIVE_INFINITY, true),
    pairInterval: number(o, 'pairInterval', path, PAIR_INTERVAL, 0),
    limitReachedCode: number(o, 'limitReachedCode', path, 131049, 0, Number.MAX_SAFE_INTEGER, true),
    recipients: resolveScripts(o.recipients, `${path}.recipients`),
  };
}

/** `"silent"` (nobody reacts, everyone online: statuses only) or a segment's fields over the scenario defaults. */
function resolveAudience(raw: unknown, path: string): SandboxAudience {
  if (raw === 'silent') return { optIn: 'explicit', behaviour: 'silent', ...SILENT_PROPENSITIES };
  const a = section(raw, path);
  only(a, path, ['optIn', 'behaviour', 'reconnectMean', ...PROPENSITY_KEYS]);
  const optIn = a.optIn ?? 'explicit';
  if (optIn !== 'explicit' && optIn !== 'implied' && optIn !== 'none') throw invalidArgument(`${path}.optIn`, `got ${describe(optIn)}, expected explicit, implied or none`);
  const behaviour = a.behaviour ?? 'normal';
  if (behaviour !== 'normal' && behaviour !== 'silent') throw invalidArgument(`${path}.behaviour`, `got ${describe(behaviour)}, expected normal or silent`);
  const base = behaviour === 'silent' ? SILENT_PROPENSITIES : DEFAULT_PROPENSITIES;
  const p = Object.fromEntries(PROPENSITY_KEYS.map((k) => [k, number(a, k, path, base[k], 0, 1)])) as Record<(typeof PROPENSITY_KEYS)[number], number>;
  return { optIn, behaviour, reconnectMean: number(a, 'reconnectMean', path, base.reconnectMean, 0), ...p };
}

function resolveScripts(raw: unknown, path: string): Record<string, RecipientScript> {
  const out: Record<string, RecipientScript> = {};
  for (const [waId, script] of Object.entries(section(raw, path))) {
    const at = `${path}.${waId}`;
    if (!/^\d{6,15}$/.test(waId)) throw invalidArgument(at, 'expected a wa_id key: the E.164 digits without "+", like "966501234567"');
    const s = section(script, at);
    only(s, at, SCRIPT_KEYS);
    for (const k of SCRIPT_KEYS) {
      const v = s[k];
      if (v === undefined) continue;
      if (k === 'reply' ? typeof v !== 'string' || v === '' : typeof v !== 'boolean') throw invalidArgument(`${at}.${k}`, `got ${describe(v)}, expected ${k === 'reply' ? 'the reply text' : 'true or false'}`);
    }
    out[waId] = s as RecipientScript;
  }
  return out;
}
