/**
 * Graph API error bodies as the Cloud API sends them (DOMAIN §8):
 * `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
 *   "error_data":{"messaging_product":"whatsapp","details":"…"},"fbtrace_id":"…"}}`.
 * Clients must branch on `code`, not on the HTTP status; the statuses here are the ones Meta
 * usually pairs with each code.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
import { randomStream, type Random } from '../engine/random.ts';

/** Titles in Meta's words (the text after "(#code)" in `message`). */
const TITLES: Readonly<Record<number, string>> = {
  1: 'API Unknown',
  2: 'API Service',
  100: 'Invalid parameter',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131016: 'Service unavailable',
  131026: 'Message Undeliverable',
  131031: 'Business Account locked',
  131047: 'Re-engagement message',
  131048: 'Spam rate limit hit',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131051: 'Unsupported message type',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  130429: 'Rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132005: 'Translated text too long',
  132012: 'Parameter format does not match format in the created template',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
  133010: 'Phone number Not Registered',
};

const HTTP_STATUS: Readonly<Record<number, number>> = { 130429: 429, 131056: 429, 131000: 500, 1: 500, 2: 503, 131016: 503 };

export interface GraphErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: 'OAuthException';
    readonly code: number;
    readonly error_data?: { readonly messaging_product: 'whatsapp'; readonly details: string };
    readonly fbtrace_id: string;
  };
}

export interface GraphError {
  readonly status: number;
  readonly body: GraphErrorBody;
}

const TRACE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** Makes error bodies; fbtrace ids come from a seeded stream, so runs are reproducible. */
export class GraphErrors {
  private readonly random: Random;

  constructor(seed: number) {
    this.random = randomStream(seed, 'fbtrace');
  }

  fbtraceId(): string {
    let id = 'A';
    for (let i = 0; i < 22; i++) id += TRACE_ALPHABET[this.random.int(0, TRACE_ALPHABET.length - 1)];
    return id;
  }

  meta(code: number, details: string, title = TITLES[code] ?? 'Error'): GraphError {
    return {
      status: HTTP_STATUS[code] ?? 400,
      body: { error: { message: `(#${code}) ${title}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: this.fbtraceId() } },
    };
  }

  /** A missing or wrong Bearer token: Meta answers 401 with code 190 and no error_data. */
  oauth(): GraphError {
    return { status: 401, body: { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: this.fbtraceId() } } };
  }

  /** An id that names nothing (or nothing this token may see): Graph's code 100, subcode 33. */
  unknownObject(id: string, verb: 'get' | 'post' = 'get'): GraphError {
    const message = `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;
    return { status: 400, body: { error: { message, type: 'OAuthException', code: 100, fbtrace_id: this.fbtraceId() } } };
  }
}

export function titleOf(code: number): string | undefined {
  return TITLES[code];
}
