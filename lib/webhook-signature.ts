/**
 * The signature Meta puts on every webhook POST: `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the raw request body bytes keyed with the app secret. Verify it over the bytes as
 * received (Meta escapes non-ASCII characters in the payload, so re-serialised JSON would not
 * match), and compare in constant time so the comparison leaks nothing about the expected value.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
 *
 * Shared by the bot (which verifies) and the sandbox (which signs), hence outside both.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '../core/errors.ts';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;

function checkSecret(appSecret: unknown): string {
  if (typeof appSecret !== 'string' || appSecret === '') {
    throw invalidArgument('webhook app secret', 'expected a non-empty string (the Meta app secret)');
  }
  return appSecret;
}

function digest(appSecret: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', appSecret).update(body).digest();
}

/** The header value for `body`: `sha256=<64 hex digits>`. A string body is signed as UTF-8. */
export function signWebhookBody(appSecret: string, body: string | Uint8Array): string {
  return `sha256=${digest(checkSecret(appSecret), body).toString('hex')}`;
}

/**
 * True when `header` is `sha256=<hex>` and matches the body. A missing, repeated or malformed
 * header is simply false: whoever sent it gets a 401, not an exception.
 */
export function verifyWebhookSignature(appSecret: string, body: string | Uint8Array, header: unknown): boolean {
  const secret = checkSecret(appSecret);
  if (typeof header !== 'string') return false;
  const match = SIGNATURE_RE.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = digest(secret, body);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
