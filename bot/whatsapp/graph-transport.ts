/**
 * HTTP to the Graph API on Node's global `fetch`, with an undici `Agent` as the dispatcher (pooled
 * keep-alive connections and timeouts). Global `fetch` rather than `undici.request` because nock,
 * which the tests use, only sees global `fetch`; the dispatcher is injectable so tests can pass
 * undici's `MockAgent` and the sandbox a tuned pool.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference
 */
import { Agent, type Dispatcher } from 'undici';
import { DeadlineWatch } from './deadline-watch.ts';
import { describe, invalidArgument } from '../../core/errors.ts';
import { classifyTransportFailure, type TransportFailure } from './send-outcome.ts';

export const DEFAULT_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v23.0';
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/**
 * By Little's law, connections ≈ messages/s × seconds per request: 1,000 msg/s at Graph's usual
 * 100–300 ms needs 100–300 connections. Sized for one number at the top throughput level.
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

export interface GraphTransportOptions {
  readonly token: string;
  readonly baseUrl?: string;
  readonly graphVersion?: string;
  readonly requestTimeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  readonly maxConnections?: number;
}

export type GraphResponse =
  | { readonly kind: 'response'; readonly status: number; readonly json: unknown; readonly text: string }
  | { readonly kind: 'failure'; readonly failure: TransportFailure };

/** Ids go into URL paths: digits for Meta, a little looser for the sandbox, never `/`, `.` or `?`. */
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function checkGraphId(value: unknown, what: string): string {
  if (typeof value === 'string' && ID_RE.test(value)) return value;
  throw invalidArgument(what, `got ${describe(value)}, expected a Graph id like "106540352242922"`);
}

export class GraphTransport {
  readonly baseUrl: string;
  readonly graphVersion: string;
  readonly requestTimeoutMs: number;
  readonly #authorization: string;
  readonly #dispatcher: Dispatcher;
  readonly #deadlines = new DeadlineWatch();
  readonly #ownsDispatcher: boolean;

  constructor(options: GraphTransportOptions) {
    if (typeof options.token !== 'string' || options.token.trim() === '') {
      throw invalidArgument('Graph client token', 'expected a non-empty access token (a system user token for the WhatsApp Business Account)');
    }
    this.baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    const version = options.graphVersion ?? DEFAULT_GRAPH_VERSION;
    if (typeof version !== 'string' || !/^v\d{1,3}\.\d$/.test(version)) {
      throw invalidArgument('Graph client graphVersion', `got ${describe(version)}, expected a version like "v23.0"`);
    }
    this.graphVersion = version;
    const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!Number.isSafeInteger(timeout) || timeout < 10 || timeout > 600_000) {
      throw invalidArgument('Graph client requestTimeoutMs', `got ${describe(timeout)}, expected whole milliseconds between 10 and 600000`);
    }
    this.requestTimeoutMs = timeout;
    this.#authorization = `Bearer ${options.token.trim()}`;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? defaultAgent(timeout, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
  }

  url(path: string, query?: Readonly<Record<string, string>>): string {
    // The send path has no query: a plain join, without parsing a URL per message.
    if (query === undefined) return `${this.baseUrl}/${this.graphVersion}/${path}`;
    const url = new URL(`${this.baseUrl}/${this.graphVersion}/${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  }

  /**
   * One request; never throws for a network failure or an HTTP error (both are values). The
   * timeout bounds the wait for the headers and again for the body.
   */
  async request(method: 'GET' | 'POST', path: string, options: { query?: Readonly<Record<string, string>>; body?: unknown } = {}): Promise<GraphResponse> {
    const headers: Record<string, string> = { authorization: this.#authorization, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    // Our own Agent bounds the exchange with its headers and body timeouts (undici's cheap timer
    // wheel); an injected dispatcher may not, so then a deadline of our own covers it.
    const deadline = this.#ownsDispatcher ? undefined : this.#deadlines.start(this.requestTimeoutMs);
    const init = {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      // Graph never redirects; following one could carry the token to another host.
      redirect: 'manual' as const,
      ...(deadline && { signal: deadline.signal }),
      dispatcher: this.#dispatcher,
    };
    try {
      // Node's fetch types its `dispatcher` with its bundled undici's types; an undici 7 Agent works at run time.
      const response = await globalThis.fetch(this.url(path, options.query), init as unknown as RequestInit);
      const text = await response.text();
      return { kind: 'response', status: response.status, json: parseJson(text), text };
    } catch (error) {
      return { kind: 'failure', failure: classifyTransportFailure(error) };
    } finally {
      deadline?.done();
    }
  }

  async close(): Promise<void> {
    this.#deadlines.close();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}

function defaultAgent(requestTimeoutMs: number, connections: number): Agent {
  if (!Number.isSafeInteger(connections) || connections < 1) {
    throw invalidArgument('Graph client maxConnections', `got ${describe(connections)}, expected a whole number ≥ 1`);
  }
  return new Agent({
    connections,
    pipelining: 1,
    // Below the usual 5 s server idle timeout, so a pooled socket is not reused just as the server closes it.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
    // Shorter than the whole-request timeout, so a connection that never opens is reported as
    // "connect timeout" (certainly not sent) rather than "request timeout" (maybe sent).
    connect: { timeout: Math.min(5_000, Math.max(5, Math.floor(requestTimeoutMs / 2))) },
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
  });
}

function checkBaseUrl(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw invalidArgument('Graph client baseUrl', `got ${describe(value)}, expected an http(s) origin like "${DEFAULT_BASE_URL}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
