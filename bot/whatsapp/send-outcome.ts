/**
 * What became of one send, as a value. The line that matters is between "certainly not sent" and
 * "may have been sent": the first is safe to retry, the second never is (a second copy of a
 * campaign message is exactly what gets numbers reported), so it waits for a status webhook that
 * carries our send id in `biz_opaque_callback_data`.
 *
 * Failures are told apart by undici's error codes (`cause.code`), never by message text.
 * https://github.com/nodejs/undici/blob/main/docs/docs/api/Errors.md
 */
import type { MetaApiError } from '../../core/meta-error.ts';

export type NotSentReason =
  | 'connection-refused' | 'dns-failure' | 'connect-timeout' | 'connect-failed' | 'tls-failure' | 'http-error';
export type MaybeSentReason =
  | 'request-timeout' | 'headers-timeout' | 'body-timeout' | 'connection-reset' | 'socket-error' | 'client-closed'
  | 'server-error' | 'unreadable-response' | 'unknown-failure';

export type SendOutcome =
  | { readonly kind: 'accepted'; readonly wamid: string; readonly waId: string; readonly messageStatus: 'accepted' | 'held' }
  /** Meta answered with an error body: classified by its `code` (core's table), whatever the HTTP status. */
  | { readonly kind: 'rejected'; readonly error: MetaApiError; readonly httpStatus: number }
  | { readonly kind: 'not-sent'; readonly reason: NotSentReason; readonly cause: unknown; readonly httpStatus?: number }
  | { readonly kind: 'maybe-sent'; readonly reason: MaybeSentReason; readonly cause: unknown; readonly httpStatus?: number };

export type TransportFailure =
  | { readonly kind: 'not-sent'; readonly reason: NotSentReason; readonly code?: string; readonly cause: unknown }
  | { readonly kind: 'maybe-sent'; readonly reason: MaybeSentReason; readonly code?: string; readonly cause: unknown };

/** An HTTP answer that carried no Meta error body, kept as the `cause` of an outcome. */
export class GraphHttpError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(`Graph API answered HTTP ${status} without a Meta error body`);
    this.name = 'GraphHttpError';
    this.status = status;
    this.body = body.length > 500 ? `${body.slice(0, 497)}...` : body;
  }
}

/** Errors that only a connection attempt produces: nothing was written, so nothing was sent. */
const CONNECT_CODES: Readonly<Record<string, NotSentReason>> = {
  ECONNREFUSED: 'connection-refused',
  ENOTFOUND: 'dns-failure',
  EAI_AGAIN: 'dns-failure',
  EAI_FAIL: 'dns-failure',
  EAI_NONAME: 'dns-failure',
  UND_ERR_CONNECT_TIMEOUT: 'connect-timeout',
};

/**
 * Certificate checks fail during the TLS handshake, before any HTTP byte is written. Other TLS
 * errors (a bad record mid-stream) can come after the request went out, so they are not listed.
 */
const TLS_HANDSHAKE_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|ERR_TLS_CERT_ALTNAME_INVALID$|HOSTNAME_MISMATCH$)/;

/** After the request was (or may have been) written: the server may have acted on it. */
const AFTER_WRITE_CODES: Readonly<Record<string, MaybeSentReason>> = {
  UND_ERR_HEADERS_TIMEOUT: 'headers-timeout',
  UND_ERR_BODY_TIMEOUT: 'body-timeout',
  ECONNRESET: 'connection-reset',
  EPIPE: 'connection-reset',
  UND_ERR_SOCKET: 'socket-error',
  UND_ERR_DESTROYED: 'client-closed',
  UND_ERR_CLOSED: 'client-closed',
};

interface ErrorLike { readonly name?: unknown; readonly code?: unknown; readonly syscall?: unknown; readonly cause?: unknown; readonly errors?: unknown }

function asErrorLike(e: unknown): ErrorLike {
  return typeof e === 'object' && e !== null ? (e as ErrorLike) : {};
}

function connectReason(e: ErrorLike): NotSentReason | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined && CONNECT_CODES[code]) return CONNECT_CODES[code];
  if (code !== undefined && TLS_HANDSHAKE_CODE.test(code)) return 'tls-failure';
  // Node names the system call that failed: `connect` and `getaddrinfo` happen before any write.
  if (e.syscall === 'connect') return 'connect-failed';
  if (e.syscall === 'getaddrinfo') return 'dns-failure';
  return undefined;
}

/**
 * Classify what `fetch` threw. `fetch` wraps dispatcher errors in `TypeError('fetch failed')`
 * with the undici or system error as `cause`; our own request deadline (deadline-watch.ts) rejects with a
 * `TimeoutError`. Anything not known to happen before the request was written is maybe-sent.
 */
export function classifyTransportFailure(error: unknown): TransportFailure {
  const outer = asErrorLike(error);
  if (outer.name === 'TimeoutError') return { kind: 'maybe-sent', reason: 'request-timeout', cause: error };
  const inner = outer.cause === undefined ? outer : asErrorLike(outer.cause);
  const code = typeof inner.code === 'string' ? inner.code : undefined;
  const withCode = code !== undefined ? { code } : {};
  const notSent = connectReason(inner);
  if (notSent) return { kind: 'not-sent', reason: notSent, ...withCode, cause: error };
  // Happy-eyeballs connects report an AggregateError: not sent only if every attempt failed to connect.
  if (Array.isArray(inner.errors) && inner.errors.length > 0) {
    const reasons = inner.errors.map((e) => connectReason(asErrorLike(e)));
    if (reasons.every((r) => r !== undefined)) return { kind: 'not-sent', reason: reasons[0]!, ...withCode, cause: error };
  }
  const after = code !== undefined ? AFTER_WRITE_CODES[code] : undefined;
  return { kind: 'maybe-sent', reason: after ?? 'unknown-failure', ...withCode, cause: error };
}
