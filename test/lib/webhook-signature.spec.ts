import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../lib/webhook-signature.ts';

describe('webhook signatures', () => {
  it('should sign with HMAC-SHA256 of the app secret over the raw body', () => {
    // RFC-style public test vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signWebhookBody('key', 'The quick brown fox jumps over the lazy dog'))
      .toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('should sign a string as its UTF-8 bytes', () => {
    expect(signWebhookBody('s', 'إيقاف')).toBe(signWebhookBody('s', Buffer.from('إيقاف', 'utf8')));
  });

  it('should accept exactly the signature of the same bytes with the same secret', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.uint8Array(), fc.uint8Array(), (secret, body, other) => {
      const header = signWebhookBody(secret, body);
      expect(verifyWebhookSignature(secret, body, header)).toBe(true);
      expect(verifyWebhookSignature(secret, body, header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
      expect(verifyWebhookSignature(`${secret}x`, body, header)).toBe(false);
      if (Buffer.compare(Buffer.from(body), Buffer.from(other)) !== 0) expect(verifyWebhookSignature(secret, other, header)).toBe(false);
    }), { numRuns: 200 });
  });

  it.each([
    ['missing', undefined],
    ['repeated', ['sha256=00', 'sha256=11']],
    ['of another algorithm', `sha1=${'0'.repeat(40)}`],
    ['too short', 'sha256=abcd'],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('should refuse a header that is %s', (_what, header) => {
    expect(verifyWebhookSignature('secret', '{}', header)).toBe(false);
  });

  it('should refuse to work without a secret', () => {
    expect(() => signWebhookBody('', '{}')).toThrow(/app secret/);
    expect(() => verifyWebhookSignature('', '{}', 'sha256=00')).toThrow(/app secret/);
  });
});
