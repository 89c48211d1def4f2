/**
 * Fault injection: rules that make the sandbox misbehave the ways Meta and networks do. Each rule
 * picks requests (or webhook deliveries) by exact ordinals (`nth`), by probability, by recipient,
 * and at most `times` times. Probabilistic draws hash the seed, the rule, the send's key and how
 * often that key was seen, so the same seed gives the same faults to the same sends even when
 * requests race each other.
 *
 * `processed` matters most: a send that is processed and then times out or loses its connection
 * reached the recipient although the client saw no answer. Retrying it blindly is a duplicate send.
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import { mixSeed } from '../engine/random.ts';

export const FAULT_KINDS = ['http-5xx', 'timeout', 'reset', 'error', 'slow', 'duplicate-webhook', 'out-of-order-webhook'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  readonly kind: FaultKind;
  readonly probability?: number;
  /** 1-based ordinals among the requests (or deliveries) this rule looks at. */
  readonly nth?: readonly number[];
  readonly times?: number;
  /** Only sends to these recipients (wa_id digits). */
  readonly to?: readonly string[];
  /** Which requests: sends (default), the read routes, or any. */
  readonly route?: 'messages' | 'reads' | 'any';
  /** http-5xx: the status (default 500) and whether a Meta error body comes with it (default true). */
  readonly status?: number;
  readonly metaBody?: boolean;
  /** http-5xx, timeout, reset: process the send first (true, false, or a probability). Default false. */
  readonly processed?: boolean | number;
  /** timeout: how long the response is held before the socket is dropped (default: until the client gives up). */
  readonly holdMs?: number;
  /** slow: added latency; out-of-order-webhook: how long the delivery is held back. */
  readonly delayMs?: number;
  /** error: the Meta code, and whether it comes in the response or as a failed status webhook. */
  readonly code?: number;
  readonly via?: 'response' | 'webhook';
  /** duplicate-webhook: delay before the identical redelivery. */
  readonly gapMs?: number;
}

export interface FaultsSpec {
  readonly rules: readonly FaultRule[];
}

export type RequestFault =
  | { readonly kind: 'http-5xx'; readonly status: number; readonly metaBody: boolean; readonly processed: boolean }
  | { readonly kind: 'timeout'; readonly holdMs: number; readonly processed: boolean }
  | { readonly kind: 'reset'; readonly processed: boolean }
  | { readonly kind: 'error'; readonly code: number; readonly via: 'response' | 'webhook' };

export interface RequestFaults {
  readonly fault?: RequestFault;
  readonly delayMs: number;
}

export interface DeliveryFaults {
  readonly duplicateGapMs?: number;
  readonly delayMs?: number;
}

/** Held "until the client gives up": longer than any sane client timeout, ended by close(). */
const FOREVER_MS = 10 * 60_000;
const REQUEST_KINDS: readonly FaultKind[] = ['http-5xx', 'timeout', 'reset', 'error', 'slow'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function hash01(seed: number, ...parts: (string | number)[]): number {
  let h = seed >>> 0;
  for (const p of parts) {
    const s = String(p);
    let f = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) f = Math.imul(f ^ s.charCodeAt(i), 0x01000193);
    h = mixSeed(h, f >>> 0);
  }
  return h / 4294967296;
}

export class Faults {
  private rules: readonly FaultRule[] = [];
  private ordinals: number[] = [];
  private fired: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(spec: unknown, private readonly seed: number) {
    this.set(spec);
  }

  /** Replace the rules (counters start again). */
  set(spec: unknown): void {
    this.rules = parseFaults(spec).rules;
    this.ordinals = this.rules.map(() => 0);
    this.fired = this.rules.map(() => 0);
    this.seen.clear();
  }

  get spec(): FaultsSpec {
    return { rules: this.rules };
  }

  /** How often each rule fired, in rule order. */
  firedCounts(): readonly number[] {
    return [...this.fired];
  }

  forRequest(route: 'messages' | 'reads', waId: string | undefined, key: string): RequestFaults {
    let fault: RequestFault | undefined;
    let delayMs = 0;
    this.rules.forEach((r, i) => {
      if (!REQUEST_KINDS.includes(r.kind) || (r.route ?? 'messages') !== route && r.route !== 'any') return;
      if (r.to && (waId === undefined || !r.to.includes(waId))) return;
      if (!this.hits(i, `${waId ?? ''}|${key}`) || (r.kind !== 'slow' && fault)) return;
      this.fired[i]!++;
      const p = r.processed;
      const processed = typeof p === 'number' ? hash01(this.seed, i, 'processed', key, this.ordinals[i]!) < p : p ?? false;
      if (r.kind === 'slow') delayMs += r.delayMs ?? 1000;
      else if (r.kind === 'http-5xx') fault = { kind: 'http-5xx', status: r.status ?? 500, metaBody: r.metaBody ?? true, processed };
      else if (r.kind === 'timeout') fault = { kind: 'timeout', holdMs: r.holdMs ?? FOREVER_MS, processed };
      else if (r.kind === 'reset') fault = { kind: 'reset', processed };
      else fault = { kind: 'error', code: r.code!, via: r.via ?? (r.code === 131049 ? 'webhook' : 'response') };
    });
    return { ...(fault ? { fault } : {}), delayMs };
  }

  forDelivery(ordinal: number): DeliveryFaults {
    let out: { duplicateGapMs?: number; delayMs?: number } = {};
    this.rules.forEach((r, i) => {
      if (r.kind !== 'duplicate-webhook' && r.kind !== 'out-of-order-webhook') return;
      if (!this.hits(i, `delivery|${ordinal}`)) return;
      this.fired[i]!++;
      if (r.kind === 'duplicate-webhook') out = { ...out, duplicateGapMs: r.gapMs ?? 0 };
      else out = { ...out, delayMs: r.delayMs ?? 250 };
    });
    return out;
  }

  /** Whether rule i picks this request; every request it looks at takes an ordinal, picked or not. */
  private hits(i: number, key: string): boolean {
    const r = this.rules[i]!;
    const ordinal = ++this.ordinals[i]!;
    if (r.times !== undefined && this.fired[i]! >= r.times) return false;
    let hit: boolean;
    if (r.nth) hit = r.nth.includes(ordinal);
    else if (r.probability === undefined) hit = true;
    else {
      const seenKey = `${i}\u0000${key}`;
      const occurrence = (this.seen.get(seenKey) ?? 0) + 1;
      this.seen.set(seenKey, occurrence);
      hit = hash01(this.seed, i, key, occurrence) < r.probability;
    }
    return hit;
  }
}

const RULE_KEYS = ['kind', 'probability', 'nth', 'times', 'to', 'route', 'status', 'metaBody', 'processed', 'holdMs', 'delayMs', 'code', 'via', 'gapMs'];

/** Check a faults spec (a `--faults` file, a control request, options): `{ rules: [...] }` or a bare list. */
export function parseFaults(raw: unknown): FaultsSpec {
  if (raw === undefined || raw === null) return { rules: [] };
  const list = Array.isArray(raw) ? raw : isObj(raw) && Array.isArray(raw.rules) ? raw.rules : undefined;
  if (!list) throw invalidArgument('faults', `got ${describe(raw)}, expected { "rules": [ { "kind": "timeout", "nth": [3], "processed": true } ] }`);
  return { rules: list.map((r: unknown, i) => parseRule(r, `faults.rules[${i}]`)) };
}

function parseRule(raw: unknown, path: string): FaultRule {
  if (!isObj(raw)) throw invalidArgument(path, `got ${describe(raw)}, expected a rule like { "kind": "http-5xx", "probability": 0.1 }`);
  const extra = Object.keys(raw).find((k) => !RULE_KEYS.includes(k));
  if (extra !== undefined) throw invalidArgument(`${path}.${extra}`, `unknown key, expected one of ${RULE_KEYS.join(', ')}`);
  const fail = (k: string, expected: string): never => { throw invalidArgument(`${path}.${k}`, `got ${describe(raw[k])}, expected ${expected}`); };
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) fail('kind', `one of ${FAULT_KINDS.join(', ')}`);
  const p = raw.probability;
  if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) fail('probability', 'a probability between 0 and 1');
  const nth = raw.nth;
  if (nth !== undefined && !(Array.isArray(nth) && nth.every((n) => Number.isInteger(n) && n >= 1))) fail('nth', 'a list of 1-based ordinals like [1, 3]');
  if (p !== undefined && nth !== undefined) fail('nth', 'either nth or probability, not both');
  for (const k of ['times', 'holdMs', 'delayMs', 'gapMs']) {
    const v = raw[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(k, 'a number >= 0');
  }
  const to = raw.to;
  if (to !== undefined && !(Array.isArray(to) && to.every((t) => typeof t === 'string'))) fail('to', 'a list of wa_id strings like ["966501234567"]');
  if (raw.route !== undefined && !['messages', 'reads', 'any'].includes(raw.route as string)) fail('route', 'one of messages, reads, any');
  if (raw.status !== undefined && !(Number.isInteger(raw.status) && (raw.status as number) >= 500 && (raw.status as number) <= 599)) fail('status', 'an HTTP status from 500 to 599');
  if (raw.metaBody !== undefined && typeof raw.metaBody !== 'boolean') fail('metaBody', 'true or false');
  const pr = raw.processed;
  if (pr !== undefined && typeof pr !== 'boolean' && !(typeof pr === 'number' && pr >= 0 && pr <= 1)) fail('processed', 'true, false or a probability');
  if (kind === 'error' && !(Number.isSafeInteger(raw.code) && (raw.code as number) >= 0)) fail('code', 'a Meta error code like 130429 for an "error" rule');
  if (raw.via !== undefined && raw.via !== 'response' && raw.via !== 'webhook') fail('via', 'response or webhook');
  const normalised = { ...raw, ...(Array.isArray(to) ? { to: (to as string[]).map((t) => t.replace(/^\+/, '')) } : {}) };
  return normalised as unknown as FaultRule;
}
