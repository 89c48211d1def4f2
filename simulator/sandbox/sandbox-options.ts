/**
 * The sandbox's options: what a test or the command line may set, resolved once into a complete,
 * checked configuration. Credentials and ids default to values derived from the seed, so two runs
 * with the same seed look the same (tests can rely on them).
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import { parseNumberStatus, type NumberStatus } from '../../core/phone-number.ts';
import { parseQuality, type QualityRating } from '../../core/quality.ts';
import { parseTier, type TierName } from '../../core/tier.ts';
import { randomStream } from '../engine/random.ts';
import type { WebhookRetry } from './webhook-dispatcher.ts';

export interface SandboxNumberOption {
  readonly id?: string;
  /** As shown to people, like "+1 555-010-0001". */
  readonly display?: string;
  readonly verifiedName?: string;
  readonly tier?: string;
  readonly quality?: string;
  readonly status?: string;
  /** Messages per second (80 by default; Infinity for none, e.g. to benchmark a client). */
  readonly throughputMps?: number;
}

export interface SandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly token?: string;
  readonly appSecret?: string;
  readonly wabaId?: string;
  /** How many numbers, or each one's settings. Default one number. */
  readonly numbers?: number | readonly SandboxNumberOption[];
  readonly webhookUrl?: string;
  /** A file in Meta's template list format, or the JSON itself. Default: seed 004's four templates. */
  readonly templates?: string | URL | object;
  readonly seed?: number;
  /** Virtual ms per real ms (60: a minute of the world per second). */
  readonly timeScale?: number;
  /** The virtual clock's start, epoch ms (default: now). */
  readonly start?: number;
  /** A faults file (JSON) or a spec: { rules: [...] }. */
  readonly faults?: string | object;
  /** World parameters (policy, audience, recipients, …); see world-parameters.ts. */
  readonly world?: object;
  readonly pacingThreshold?: number;
  readonly webhook?: { readonly batchMs?: number; readonly timeoutMs?: number; readonly retry?: Partial<WebhookRetry> };
  /** Real ms between checks for due events. */
  readonly tickMs?: number;
  readonly log?: (line: string) => void;
}

export interface ResolvedNumber {
  readonly id: string;
  readonly display: string;
  readonly displayDigits: string;
  readonly verifiedName: string;
  readonly tier?: TierName;
  readonly quality: QualityRating;
  readonly status: NumberStatus;
  readonly throughputMps: number;
}

export interface ResolvedSandboxOptions {
  readonly port: number;
  readonly host: string;
  readonly token: string;
  readonly appSecret: string;
  readonly wabaId: string;
  readonly numbers: readonly ResolvedNumber[];
  readonly webhookUrl?: string;
  readonly seed: number;
  readonly timeScale: number;
  readonly start?: number;
  readonly tickMs: number;
  readonly batchMs: number;
  readonly timeoutMs: number;
  readonly retry: WebhookRetry;
}

const hex = (seed: number, name: string, n: number) => {
  const r = randomStream(seed, name);
  let s = '';
  for (let i = 0; i < n; i++) s += r.int(0, 15).toString(16);
  return s;
};
const digits = (seed: number, name: string, n: number) => {
  const r = randomStream(seed, name);
  let s = '';
  for (let i = 0; i < n; i++) s += String(r.int(0, 9));
  return s;
};

function checkNumber(v: unknown, what: string, min: number, max = Number.POSITIVE_INFINITY, integer = false): number {
  if (typeof v === 'number' && v >= min && v <= max && !Number.isNaN(v) && (!integer || Number.isInteger(v))) return v;
  throw invalidArgument(`sandbox ${what}`, `got ${describe(v)}, expected ${integer ? 'an integer' : 'a number'} from ${min}${max === Number.POSITIVE_INFINITY ? '' : ` to ${max}`}`);
}

function checkString(v: unknown, what: string, re: RegExp, expected: string): string {
  if (typeof v === 'string' && re.test(v)) return v;
  throw invalidArgument(`sandbox ${what}`, `got ${describe(v)}, expected ${expected}`);
}

export function resolveSandboxOptions(o: SandboxOptions = {}): ResolvedSandboxOptions {
  if (typeof o !== 'object' || o === null) throw invalidArgument('startSandbox', `got ${describe(o)}, expected an options object`);
  const seed = o.seed === undefined ? 1 : checkNumber(o.seed, 'seed', 0, 2 ** 32 - 1, true);
  const list = o.numbers === undefined ? 1 : o.numbers;
  const specs: readonly SandboxNumberOption[] = typeof list === 'number'
    ? Array.from({ length: checkNumber(list, 'numbers', 1, 100, true) }, () => ({}))
    : Array.isArray(list) && list.length > 0 ? list : (() => { throw invalidArgument('sandbox numbers', `got ${describe(list)}, expected a count or a non-empty list of numbers`); })();
  const numbers = specs.map((n, i) => resolveNumber(n, i, seed));
  if (new Set(numbers.map((n) => n.id)).size !== numbers.length) throw invalidArgument('sandbox numbers', 'two numbers share an id; expected distinct ids');
  const retry = { baseMs: 1000, factor: 2, maxAttempts: 6, ...(o.webhook?.retry ?? {}) };
  checkNumber(retry.baseMs, 'webhook.retry.baseMs', 0);
  checkNumber(retry.factor, 'webhook.retry.factor', 1);
  checkNumber(retry.maxAttempts, 'webhook.retry.maxAttempts', 1, 100, true);
  if (o.webhookUrl !== undefined) {
    try {
      const u = new URL(o.webhookUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw invalidArgument('sandbox webhookUrl', `got ${describe(o.webhookUrl)}, expected an http(s) URL like http://127.0.0.1:3000/webhooks/whatsapp`);
    }
  }
  return {
    port: o.port === undefined ? 0 : checkNumber(o.port, 'port', 0, 65535, true),
    host: o.host ?? '127.0.0.1',
    token: o.token === undefined ? `EAAsandbox${hex(seed, 'token', 40)}` : checkString(o.token, 'token', /^\S{1,4096}$/, 'a non-empty token without spaces'),
    appSecret: o.appSecret === undefined ? hex(seed, 'app-secret', 32) : checkString(o.appSecret, 'appSecret', /^\S{1,512}$/, 'a non-empty secret without spaces'),
    wabaId: o.wabaId === undefined ? `1021${digits(seed, 'waba', 11)}` : checkString(o.wabaId, 'wabaId', /^\d{1,20}$/, 'digits, like "102290129340398"'),
    numbers,
    ...(o.webhookUrl !== undefined ? { webhookUrl: o.webhookUrl } : {}),
    seed,
    timeScale: o.timeScale === undefined ? 1 : checkNumber(o.timeScale, 'timeScale', Number.MIN_VALUE, 1e9),
    ...(o.start !== undefined ? { start: checkNumber(o.start, 'start', 0) } : {}),
    tickMs: o.tickMs === undefined ? 5 : checkNumber(o.tickMs, 'tickMs', 1, 60_000),
    batchMs: o.webhook?.batchMs === undefined ? 10 : checkNumber(o.webhook.batchMs, 'webhook.batchMs', 0, 60_000),
    timeoutMs: o.webhook?.timeoutMs === undefined ? 5000 : checkNumber(o.webhook.timeoutMs, 'webhook.timeoutMs', 1),
    retry,
  };
}

function resolveNumber(n: SandboxNumberOption, i: number, seed: number): ResolvedNumber {
  if (typeof n !== 'object' || n === null) throw invalidArgument(`sandbox numbers[${i}]`, `got ${describe(n)}, expected an object like { "id": "106540352242922" }`);
  const id = n.id === undefined ? `1065${digits(seed, `number-${i}`, 11)}` : checkString(n.id, `numbers[${i}].id`, /^\d{1,20}$/, 'digits, like "106540352242922"');
  // Meta's test numbers are +1 555 numbers.
  const display = n.display === undefined ? `+1 555-010-${String(i + 1).padStart(4, '0')}` : checkString(n.display, `numbers[${i}].display`, /^\+?[\d\s\-().]{4,30}$/, 'a phone number like "+1 555-010-0001"');
  const throughputMps = n.throughputMps === undefined ? 80 : checkNumber(n.throughputMps, `numbers[${i}].throughputMps`, 1);
  return {
    id,
    display,
    displayDigits: display.replace(/\D/g, ''),
    verifiedName: n.verifiedName ?? 'Sandbox Store',
    ...(n.tier !== undefined ? { tier: parseTier(n.tier) } : {}),
    // Meta shows a new number as GREEN until feedback says otherwise.
    quality: n.quality === undefined ? 'HIGH' : parseQuality(n.quality),
    status: n.status === undefined ? 'CONNECTED' : parseNumberStatus(n.status),
    throughputMps,
  };
}
