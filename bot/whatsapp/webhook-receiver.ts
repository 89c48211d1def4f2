/**
 * The webhook endpoint, as a plain `node:http` request handler so it can run on its own server or
 * beside Bolt (as a custom route). GET answers Meta's verification handshake; POST checks the
 * signature over the raw bytes, appends the body to the durable inbox and only then answers 200.
 * Parsing into events and acting on them happen later, off the response path.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, invalidArgument } from '../../core/errors.ts';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../lib/webhook-signature.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { WebhookInbox } from './webhook-inbox.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta: webhook payloads are at most 3 MB. */
export const MAX_WEBHOOK_BODY_BYTES = 3 * 1024 * 1024;

export interface WebhookReceiverOptions {
  readonly appSecret: string;
  /** The verify token entered in the app dashboard, echoed back in the GET handshake. */
  readonly verifyToken: string;
  readonly inbox: Pick<WebhookInbox, 'append'>;
  readonly logger?: Logger;
  readonly path?: string;
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
}

export type WebhookRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

type Body = { readonly kind: 'ok'; readonly bytes: Buffer } | { readonly kind: 'too-large' } | { readonly kind: 'aborted' };

function nonEmpty(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalidArgument(what, `got ${describe(value)}, expected a non-empty string`);
}

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

/** Reads at most `max` bytes; past that it stops keeping chunks, so an oversized body is never buffered. */
function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (body: Body) => {
      if (done) return;
      done = true;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        finish({ kind: 'too-large' });
      } else chunks.push(chunk);
    });
    req.on('end', () => finish({ kind: 'ok', bytes: Buffer.concat(chunks, size) }));
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('close', () => finish({ kind: 'aborted' }));
  });
}

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookRequestHandler {
  const appSecret = nonEmpty(options.appSecret, 'webhook appSecret');
  const verifyToken = nonEmpty(options.verifyToken, 'webhook verifyToken');
  const path = options.path ?? WEBHOOK_PATH;
  const max = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const log = options.logger ?? silentLogger();
  const now = options.now ?? Date.now;
  const { inbox } = options;

  function verify(url: URL, res: ServerResponse): void {
    const mode = url.searchParams.get('hub.mode');
    const token = url.searchParams.get('hub.verify_token') ?? '';
    const challenge = url.searchParams.get('hub.challenge') ?? '';
    if (mode === 'subscribe' && challenge !== '' && sameSecret(token, verifyToken)) return reply(res, 200, challenge);
    log.warn({ mode }, 'webhook verification refused');
    reply(res, 403, 'forbidden');
  }

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, max);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too-large') {
      log.warn({ limit: max }, 'webhook body too large, refused');
      // Close the connection rather than read the rest of an oversized upload.
      res.on('finish', () => { if (!req.complete) req.socket.destroySoon(); });
      return reply(res, 413, 'payload too large', { connection: 'close' });
    }
    if (!verifyWebhookSignature(appSecret, body.bytes, req.headers[SIGNATURE_HEADER])) {
      log.warn({ hasSignature: req.headers[SIGNATURE_HEADER] !== undefined, bytes: body.bytes.length }, 'webhook signature invalid, refused');
      return reply(res, 401, 'invalid signature');
    }
    const text = body.bytes.toString('utf8');
    try {
      JSON.parse(text);
    } catch {
      return reply(res, 400, 'malformed JSON');
    }
    try {
      await inbox.append(text, now());
    } catch (error) {
      // Not stored, so not acknowledged: Meta retries the delivery.
      log.error({ err: error }, 'webhook not stored, answered 500');
      return reply(res, 500, 'not stored');
    }
    reply(res, 200, 'EVENT_RECEIVED');
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path && url.pathname !== `${path}/`) return reply(res, 404, 'not found');
    if (req.method === 'GET') return verify(url, res);
    if (req.method !== 'POST') return reply(res, 405, 'method not allowed', { allow: 'GET, POST' });
    receive(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'webhook handler failed');
      reply(res, 500, 'error');
    });
  };
}
