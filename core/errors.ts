/**
 * One error base for the whole domain, with a stable literal `code` per failure family (in the
 * manner of undici's `UND_ERR_*`). Context goes in `details`, not in the message text, so callers
 * branch on `code` and log `details` without parsing strings.
 *
 * Throw only for bad input at a boundary and for bugs; expected outcomes (a refused send, a
 * failed delivery) are values.
 */
export type CoreErrorCode =
  | 'WA_INVALID_ARGUMENT'
  | 'WA_INVALID_PHONE'
  | 'WA_UNKNOWN_TIER'
  | 'WA_UNKNOWN_POLICY'
  | 'WA_UNKNOWN_QUALITY'
  | 'WA_UNKNOWN_STATUS'
  | 'WA_INVALID_TEMPLATE'
  | 'WA_TEMPLATE_PARAMS'
  | 'WA_ILLEGAL_TRANSITION'
  | 'WA_LEDGER_VIOLATION'
  | 'WA_INVALID_PLAN'
  | 'WA_INVALID_SEND'
  | 'WA_STORE_UNWRITABLE'
  | 'WA_STORE_CORRUPT'
  | 'WA_STORE_LOCKED'
  | 'WA_STORE_CLOSED';

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CoreErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoreError';
    this.code = code;
    this.details = details;
  }
}

/** Describe a received value for an error message without dumping large objects. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Build a CoreError for an argument that is not one of a closed set of names. */
export function notOneOf(code: CoreErrorCode, what: string, value: unknown, allowed: readonly string[]): CoreError {
  return new CoreError(code, `${what}: got ${describe(value)}, expected one of ${allowed.join(', ')}`, { value, allowed });
}

export function invalidArgument(what: string, problem: string, details: Record<string, unknown> = {}): CoreError {
  return new CoreError('WA_INVALID_ARGUMENT', `${what}: ${problem}`, details);
}
