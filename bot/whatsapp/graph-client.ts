/**
 * The WhatsApp Cloud API client: template and text sends, number and template reads. Every
 * expected outcome is a value (`SendOutcome`, `ReadOutcome`); only bad input throws, before any
 * request is made. Meta errors are handled by their `code` with core's classification, never by
 * the HTTP status.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
 *
 * An HTTP answer without a Meta error body is judged by its status: a 4xx (or 3xx) means a proxy
 * or gateway refused the request, so it was not sent; a 5xx may come from a gateway after Meta
 * already took the message (a 504 after a slow accept), so it is maybe-sent and never resent
 * blindly. A 5xx that does carry a Meta error body is a rejection like any other.
 */
import { describe, invalidArgument } from '../../core/errors.ts';
import { classifyMetaError, parseMetaErrorBody, retryDelay, type MetaApiError } from '../../core/meta-error.ts';
import { parseDeliveryStatus } from '../../core/message-status.ts';
import { toWaId } from '../../core/msisdn.ts';
import { DEFAULT_THROUGHPUT_MPS } from '../../core/phone-number.ts';
import type { TemplateDefinition } from '../../core/template.ts';
import { silentLogger, type Logger } from '../log.ts';
import {
  PHONE_NUMBER_FIELDS, TEMPLATE_FIELDS, nextCursor, pageData, parsePhoneNumberInfo, readTemplates,
  type PhoneNumberInfo, type TemplateListing,
} from './graph-reads.ts';
import { GraphTransport, checkGraphId, type GraphResponse, type GraphTransportOptions } from './graph-transport.ts';
import { PairRateTracker, type PairRateOptions } from './pair-rate.ts';
import {
  catalogOf, prepareTemplateSend, prepareTextSend,
  type PreparedSend, type TemplateLookup, type TemplateSendInput, type TextSendInput,
} from './send-preflight.ts';
import { GraphHttpError, type MaybeSentReason, type NotSentReason, type SendOutcome } from './send-outcome.ts';
import { ThroughputLimiter, checkMps } from './throughput-limiter.ts';

export interface GraphClientOptions extends GraphTransportOptions {
  readonly logger?: Logger;
  /** Messages per second per number (80 by default, Meta's ceiling 1,000). */
  readonly throughputMps?: number;
  readonly throughputBurst?: number;
  /** No throughput limit at all: for benchmarks against the sandbox only, never against Meta. */
  readonly unthrottled?: boolean;
  /** Approved definitions sends are checked against; template sends are refused without them. */
  readonly templates?: readonly TemplateDefinition[];
  readonly pairRate?: PairRateOptions;
  /** Wall clock for pair-rate bookkeeping (`Date.now` by default). */
  readonly clock?: () => number;
  /** Monotonic ms for throughput slots (`performance.now` by default); tests move it to skip pauses. */
  readonly monotonic?: () => number;
  /** Uniform [0, 1) for backoff jitter (`Math.random` by default). */
  readonly random?: () => number;
  /** Pages followed at most by a list call. */
  readonly maxPages?: number;
}

export type ReadFailureReason = NotSentReason | MaybeSentReason;

export type ReadOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'rejected'; readonly error: MetaApiError; readonly httpStatus: number }
  | { readonly kind: 'failed'; readonly reason: ReadFailureReason; readonly cause: unknown; readonly httpStatus?: number };

/** Codes after which the number itself should send nothing for a while: throughput, maintenance. */
const PAUSING_CODES: ReadonlySet<number> = new Set([130429, 131057]);
const PAIR_RATE_CODE = 131056;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class GraphClient {
  readonly #transport: GraphTransport;
  readonly #log: Logger;
  readonly #limiter: ThroughputLimiter | undefined;
  readonly #pairs: PairRateTracker;
  readonly #clock: () => number;
  readonly #random: () => number;
  readonly #maxPages: number;
  readonly #strikes = new Map<string, number>();
  #catalog: TemplateLookup | undefined;

  constructor(options: GraphClientOptions) {
    this.#transport = new GraphTransport(options);
    this.#log = options.logger ?? silentLogger();
    this.#limiter = options.unthrottled === true ? undefined : new ThroughputLimiter({
      defaultMps: checkMps(options.throughputMps ?? DEFAULT_THROUGHPUT_MPS),
      ...(options.throughputBurst !== undefined && { burst: options.throughputBurst }),
      ...(options.monotonic !== undefined && { now: options.monotonic }),
    });
    this.#pairs = new PairRateTracker(options.pairRate);
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#maxPages = options.maxPages ?? 100;
    this.#catalog = options.templates ? catalogOf(options.templates) : undefined;
    this.#log.debug({ baseUrl: this.#transport.baseUrl, graphVersion: this.#transport.graphVersion, throttled: this.#limiter !== undefined }, 'graph client ready');
  }

  /** Replace the definitions template sends are checked against (e.g. after `listTemplates`). */
  setTemplates(defs: readonly TemplateDefinition[]): void {
    this.#catalog = catalogOf(defs);
  }

  setThroughput(phoneNumberId: string, mps: number): void {
    this.#limiter?.setRate(checkGraphId(phoneNumberId, 'phone number id'), mps);
  }

  /** How long the number stays paused after a 130429 (or maintenance) answer; 0 when it is not. */
  throughputPausedForMs(phoneNumberId: string): number {
    return this.#limiter?.pausedForMs(phoneNumberId) ?? 0;
  }

  /** Milliseconds until `to` may get another message from this number without risking 131056. */
  pairRateWaitMs(phoneNumberId: string, to: string, now: number = this.#clock()): number {
    return this.#pairs.waitMs(phoneNumberId, to, now);
  }

  /** Send an approved template. Throws CoreError WA_INVALID_SEND, before any request, on bad input. */
  async sendTemplate(phoneNumberId: string, send: TemplateSendInput): Promise<SendOutcome> {
    return this.#send(phoneNumberId, send.callbackData, prepareTemplateSend(phoneNumberId, send, this.#catalog));
  }

  /** Send free text; Meta accepts it only inside a customer-service window (else 131047). */
  async sendText(phoneNumberId: string, send: TextSendInput): Promise<SendOutcome> {
    return this.#send(phoneNumberId, send.callbackData, prepareTextSend(phoneNumberId, send));
  }

  async getPhoneNumber(phoneNumberId: string, fields: readonly string[] = PHONE_NUMBER_FIELDS): Promise<ReadOutcome<PhoneNumberInfo>> {
    const id = checkGraphId(phoneNumberId, 'phone number id');
    const response = await this.#transport.request('GET', id, { query: { fields: checkFields(fields) } });
    return this.#read(response, parsePhoneNumberInfo);
  }

  async listPhoneNumbers(wabaId: string, fields: readonly string[] = PHONE_NUMBER_FIELDS): Promise<ReadOutcome<PhoneNumberInfo[]>> {
    const id = checkGraphId(wabaId, 'WhatsApp Business Account id');
    const pages = await this.#pages(`${id}/phone_numbers`, { fields: checkFields(fields) });
    if (pages.kind !== 'ok') return pages;
    const numbers = pages.value.map(parsePhoneNumberInfo).filter((n): n is PhoneNumberInfo => n !== undefined);
    return { kind: 'ok', value: numbers };
  }

  /** Every template of the account (all pages), parsed; ones this tool cannot use are listed apart. */
  async listTemplates(wabaId: string): Promise<ReadOutcome<TemplateListing>> {
    const id = checkGraphId(wabaId, 'WhatsApp Business Account id');
    const pages = await this.#pages(`${id}/message_templates`, { fields: TEMPLATE_FIELDS.join(','), limit: '100' });
    return pages.kind === 'ok' ? { kind: 'ok', value: readTemplates(pages.value) } : pages;
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  async #send(numberId: string, callbackData: string, prepared: PreparedSend): Promise<SendOutcome> {
    const waId = toWaId(prepared.to);
    const request = () => this.#transport.request('POST', `${numberId}/messages`, { body: prepared.payload });
    const response = await (this.#limiter ? this.#limiter.run(numberId, request) : request());
    const outcome = sendOutcome(response, waId);
    this.#afterSend(numberId, waId, callbackData, outcome);
    return outcome;
  }

  #afterSend(numberId: string, waId: string, callbackData: string, outcome: SendOutcome): void {
    const log = { phoneNumberId: numberId, callbackData, outcome: outcome.kind };
    if (outcome.kind === 'accepted') {
      this.#strikes.delete(numberId);
      this.#pairs.recordSend(numberId, waId, this.#clock());
      this.#log.debug({ ...log, wamid: outcome.wamid, messageStatus: outcome.messageStatus }, 'whatsapp send accepted');
      return;
    }
    if (outcome.kind !== 'rejected') {
      const code = isObj(outcome.cause) && typeof outcome.cause.code === 'string' ? outcome.cause.code : undefined;
      this.#log.warn({ ...log, reason: outcome.reason, httpStatus: outcome.httpStatus, causeCode: code }, `whatsapp send ${outcome.kind}`);
      return;
    }
    const { code, info } = outcome.error;
    this.#log.warn({ ...log, code, action: info.action, title: info.title, details: outcome.error.details, httpStatus: outcome.httpStatus }, 'whatsapp send rejected');
    if (code === PAIR_RATE_CODE) this.#pairs.recordPairRateHit(numberId, waId, this.#clock());
    if (PAUSING_CODES.has(code) && this.#limiter) {
      const strikes = (this.#strikes.get(numberId) ?? 0) + 1;
      this.#strikes.set(numberId, strikes);
      const advice = classifyMetaError(code);
      const attempt = Math.min(strikes, advice.retry?.maxAttempts ?? 1);
      const pauseMs = retryDelay(advice, attempt, this.#random()) ?? 0;
      this.#limiter.pauseFor(numberId, pauseMs);
      this.#log.warn({ phoneNumberId: numberId, code, pauseMs, strikes }, 'whatsapp number paused');
    }
  }

  #read<T>(response: GraphResponse, parse: (json: unknown) => T | undefined): ReadOutcome<T> {
    if (response.kind === 'failure') return { kind: 'failed', reason: response.failure.reason, cause: response.failure.cause };
    const error = parseMetaErrorBody(response.json);
    if (error) return { kind: 'rejected', error, httpStatus: response.status };
    const httpStatus = response.status;
    if (httpStatus < 200 || httpStatus > 299) {
      return { kind: 'failed', reason: httpStatus >= 500 ? 'server-error' : 'http-error', cause: new GraphHttpError(httpStatus, response.text), httpStatus };
    }
    const value = parse(response.json);
    if (value === undefined) return { kind: 'failed', reason: 'unreadable-response', cause: new GraphHttpError(httpStatus, response.text), httpStatus };
    return { kind: 'ok', value };
  }

  async #pages(path: string, query: Readonly<Record<string, string>>): Promise<ReadOutcome<unknown[]>> {
    const items: unknown[] = [];
    const cursors = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < this.#maxPages; page++) {
      // The cursor goes on our own URL: following `paging.next` verbatim could send the token to another host.
      const response = await this.#transport.request('GET', path, { query: after === undefined ? query : { ...query, after } });
      const read = this.#read(response, (json) => (pageData(json) ? json : undefined));
      if (read.kind !== 'ok') return read;
      items.push(...(pageData(read.value) ?? []));
      const next = nextCursor(read.value);
      if (next === undefined || cursors.has(next)) return { kind: 'ok', value: items };
      cursors.add(next);
      after = next;
    }
    this.#log.warn({ path, pages: this.#maxPages }, 'graph list truncated at the page limit');
    return { kind: 'ok', value: items };
  }
}

function checkFields(fields: readonly string[]): string {
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string' && /^[a-z_][a-z0-9_.{},()]*$/.test(f))) {
    throw invalidArgument('fields', `got ${describe(fields)}, expected a non-empty array of Graph field names like ["status", "quality_rating"]`);
  }
  return fields.join(',');
}

/** Meta's answer to a send, judged by the error code when there is one. */
export function sendOutcome(response: GraphResponse, waId: string): SendOutcome {
  if (response.kind === 'failure') {
    const { failure } = response;
    return failure.kind === 'not-sent'
      ? { kind: 'not-sent', reason: failure.reason, cause: failure.cause }
      : { kind: 'maybe-sent', reason: failure.reason, cause: failure.cause };
  }
  const httpStatus = response.status;
  const error = parseMetaErrorBody(response.json);
  if (error) return { kind: 'rejected', error, httpStatus };
  if (httpStatus >= 200 && httpStatus <= 299) {
    const accepted = readAccepted(response.json, waId);
    return accepted ?? { kind: 'maybe-sent', reason: 'unreadable-response', cause: new GraphHttpError(httpStatus, response.text), httpStatus };
  }
  const cause = new GraphHttpError(httpStatus, response.text);
  return httpStatus >= 500
    ? { kind: 'maybe-sent', reason: 'server-error', cause, httpStatus }
    : { kind: 'not-sent', reason: 'http-error', cause, httpStatus };
}

function readAccepted(json: unknown, waId: string): SendOutcome | undefined {
  if (!isObj(json) || !Array.isArray(json.messages) || !isObj(json.messages[0])) return undefined;
  const message = json.messages[0];
  if (typeof message.id !== 'string' || message.id === '') return undefined;
  const contact = Array.isArray(json.contacts) && isObj(json.contacts[0]) ? json.contacts[0] : {};
  let status: 'accepted' | 'held' = 'accepted';
  try {
    status = message.message_status === undefined ? 'accepted' : parseDeliveryStatus(message.message_status) === 'held' ? 'held' : 'accepted';
  } catch {
    status = 'accepted'; // a status Meta added later: the message has an id, so it was accepted
  }
  return { kind: 'accepted', wamid: message.id, waId: typeof contact.wa_id === 'string' && contact.wa_id !== '' ? contact.wa_id : waId, messageStatus: status };
}
