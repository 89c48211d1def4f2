import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoreError } from '../../core/errors.ts';
import {
  ERROR_ACTIONS, KNOWN_META_ERROR_CODES, classifyMetaError, isRetryable, parseMetaErrorBody, parseStatusErrors, retryDelay,
} from '../../core/meta-error.ts';
import type { ErrorAction, MetaErrorInfo } from '../../core/meta-error.ts';
import { DAY, HOUR, SECOND } from '../../core/time.ts';

// DOMAIN.md §6, written out by hand so that a change to the module's table cannot silently pass.
const DOMAIN_TABLE: ReadonlyArray<[ErrorAction, readonly number[]]> = [
  ['retry-soon', [130429, 131056, 131000, 131016, 133004, 1, 2, 131057, 4, 80007]],
  ['retry-later', [131049, 131064]],
  ['suppress-contact', [131026, 131050, 130403]],
  ['stop-number', [131048, 368, 131031]],
  ['stop-template', [132015, 132016]],
  ['fix-payload', [100, 132000, 132001, 132005, 132007, 132012]],
  ['needs-template', [131047]],
  ['needs-human', [131042, 137000, 131045, 133010, 130497, 130472]],
];
const DOMAIN_CASES = DOMAIN_TABLE.flatMap(([action, codes]) => codes.map((code) => [code, action] as const));

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('classifying Meta error codes', () => {
  it.each(DOMAIN_CASES)('should map %i to %s', (code, action) => {
    const info = classifyMetaError(code);
    expect(info.code).toBe(code);
    expect(info.action).toBe(action);
    expect(info.title.length).toBeGreaterThan(0);
    expect(info.explanation.length).toBeGreaterThan(20);
  });

  it('should give retry advice exactly to the retryable actions', () => {
    for (const code of KNOWN_META_ERROR_CODES) {
      const info = classifyMetaError(code);
      expect(ERROR_ACTIONS).toContain(info.action);
      if (info.action === 'retry-soon') expect(info.retry?.kind).toBe('backoff');
      else if (info.action === 'retry-later') expect(info.retry?.kind).toBe('schedule');
      else expect(info.retry).toBeUndefined();
      expect(isRetryable(code)).toBe(info.retry !== undefined);
    }
  });

  it('should map well-known codes outside the DOMAIN table', () => {
    expect(classifyMetaError(190).action).toBe('needs-human');
    expect(classifyMetaError(0).action).toBe('needs-human');
    expect(classifyMetaError(131051).action).toBe('fix-payload');
    expect(classifyMetaError(131053).action).toBe('fix-payload');
    expect(classifyMetaError(250).title).toMatch(/permission/i);
  });

  it('should send an unknown code to a human, pointing at Meta\'s error-code page', () => {
    const info = classifyMetaError(999_999);
    expect(info).toMatchObject({ code: 999_999, action: 'needs-human' });
    expect(info.retry).toBeUndefined();
    expect(info.explanation).toMatch(/999999.*not know/);
    expect(info.explanation).toContain('https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes');
    expect(isRetryable(999_999)).toBe(false);
  });

  it.each([['131049'], [1.5], [-1], [Number.NaN], [Infinity], [null], [undefined], [{}]])(
    'should refuse %s with WA_INVALID_ARGUMENT saying what is expected',
    (bad) => {
      const err = thrown(() => classifyMetaError(bad));
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('WA_INVALID_ARGUMENT');
      expect((err as CoreError).message).toMatch(/^Meta error code: got .*, expected a non-negative integer/);
      expect(() => isRetryable(bad)).toThrow(CoreError);
    },
  );
});

describe('retry delays', () => {
  it('should back off 1 s, 4 s, 16 s on the throughput limit, then give up', () => {
    const info = classifyMetaError(130429);
    expect([1, 2, 3, 4].map((n) => retryDelay(info, n))).toEqual([SECOND, 4 * SECOND, 16 * SECOND, undefined]);
  });

  it('should wait 4^X seconds on the pair rate limit, without jitter', () => {
    const info = classifyMetaError(131056);
    expect(retryDelay(info, 1, 0.99)).toBe(SECOND);
    expect(retryDelay(info, 2, 0)).toBe(4 * SECOND);
    expect(retryDelay(info, 3)).toBe(16 * SECOND);
  });

  it('should wait about a minute on maintenance mode', () => {
    expect(retryDelay(classifyMetaError(131057), 1)).toBe(60 * SECOND);
  });

  it('should keep jittered delays within ±25 % of the nominal delay, and still growing', () => {
    const info = classifyMetaError(131000);
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r1, r2) => {
      const nominal = retryDelay(info, n)!;
      const d = retryDelay(info, n, r1)!;
      expect(d).toBeGreaterThanOrEqual(0.75 * nominal);
      expect(d).toBeLessThan(1.25 * nominal);
      expect(retryDelay(info, n + 1, r2)!).toBeGreaterThan(d);
    }), { numRuns: 200 });
    expect(retryDelay(info, 1, 0)).toBe(1.5 * SECOND);
    // 2000 · (0.75 + 0.5 · (1 − ε)) rounds to exactly 2500 in floating point.
    expect(retryDelay(info, 1, 1 - Number.EPSILON)).toBeLessThan(2.5 * SECOND);
  });

  it('should give up after maxAttempts and never retry a non-retryable error', () => {
    const info = classifyMetaError(131000);
    const max = info.retry!.maxAttempts;
    expect(retryDelay(info, max)).toBeDefined();
    expect(retryDelay(info, max + 1)).toBeUndefined();
    expect(retryDelay(classifyMetaError(131026), 1)).toBeUndefined();
    expect(retryDelay(classifyMetaError(123_456), 1)).toBeUndefined();
  });

  it('should retry 131049 no sooner than 24 h, with growing intervals up to about 7 days', () => {
    const info = classifyMetaError(131049);
    const delays: number[] = [];
    for (let n = 1; retryDelay(info, n) !== undefined; n++) delays.push(retryDelay(info, n)!);
    expect(delays[0]).toBeGreaterThanOrEqual(24 * HOUR);
    expect(delays.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(7 * DAY);
    expect(delays).toEqual([DAY, 2 * DAY, 4 * DAY, 7 * DAY]);
    expect(retryDelay(classifyMetaError(131064), 1)).toBeGreaterThanOrEqual(24 * HOUR);
  });

  it('should cap schedule intervals at capMs however many attempts are allowed', () => {
    const info: Pick<MetaErrorInfo, 'retry'> = { retry: { kind: 'schedule', firstAfterMs: DAY, factor: 2, maxAttempts: 20, capMs: 7 * DAY } };
    expect(retryDelay(info, 3)).toBe(4 * DAY);
    expect(retryDelay(info, 4)).toBe(7 * DAY);
    expect(retryDelay(info, 20)).toBe(7 * DAY);
    expect(retryDelay(info, 21)).toBeUndefined();
  });

  it('should refuse a bad attempt number or jitter draw', () => {
    const info = classifyMetaError(130429);
    expect(() => retryDelay(info, 0)).toThrow(/retry attempt: got 0, expected an integer from 1/);
    expect(() => retryDelay(info, 1.5)).toThrow(CoreError);
    expect(() => retryDelay(info, 1, 1)).toThrow(/jitter draw: got 1, expected a number in \[0, 1\)/);
    expect(() => retryDelay(info, 1, -0.1)).toThrow(CoreError);
    expect(() => retryDelay(info, 1, Number.NaN)).toThrow(CoreError);
  });
});

describe('parsing Meta error bodies', () => {
  const example = {
    error: {
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      code: 130429,
      error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    },
  };

  it('should parse the documented example and classify it on its code', () => {
    const parsed = parseMetaErrorBody(example);
    expect(parsed).toEqual({
      code: 130429,
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      info: classifyMetaError(130429),
    });
    expect(parsed).not.toHaveProperty('subcode');
    expect(parseMetaErrorBody(JSON.stringify(example))).toEqual(parsed);
  });

  it('should keep a deprecated error_subcode without acting on it', () => {
    const parsed = parseMetaErrorBody({ error: { ...example.error, code: 131026, error_subcode: 2494010 } });
    expect(parsed?.subcode).toBe(2494010);
    expect(parsed?.info.action).toBe('suppress-contact');
  });

  it('should trust the code, not the title in the message', () => {
    const parsed = parseMetaErrorBody({ error: { message: '(#130429) Rate limit hit', code: 131049 } });
    expect(parsed?.info.action).toBe('retry-later');
    expect(parsed).not.toHaveProperty('type');
    expect(parsed).not.toHaveProperty('details');
  });

  it.each([
    [undefined], [null], [42], ['not json'], ['{"error":'], [[]], [{}], [{ error: null }], [{ error: 'boom' }],
    [{ error: { message: 'no code' } }], [{ error: { code: '130429' } }], [{ error: { code: 1.5 } }], [{ message: 'x', code: 130429 }],
  ])('should return undefined for the malformed body %j', (body) => {
    expect(parseMetaErrorBody(body)).toBeUndefined();
  });

  it('should never throw, whatever it is given', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.string(), fc.record({ error: fc.anything() })), (body) => {
      const parsed = parseMetaErrorBody(body);
      if (parsed) expect(parsed.info.code).toBe(parsed.code);
    }), { numRuns: 300 });
  });
});

describe('parsing status webhook errors', () => {
  it('should read code, title and details', () => {
    const errors = [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', message: 'ignored when a title exists', error_data: { details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' } }];
    expect(parseStatusErrors(errors)).toEqual([{
      code: 131049,
      title: 'This message was not delivered to maintain healthy ecosystem engagement.',
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    }]);
  });

  it('should fall back to message for the title and omit what is absent', () => {
    expect(parseStatusErrors([{ code: 131026, message: 'Message undeliverable' }])).toStrictEqual([{ code: 131026, title: 'Message undeliverable' }]);
    expect(parseStatusErrors([{ code: 131000 }])).toStrictEqual([{ code: 131000 }]);
  });

  it('should drop malformed entries and never throw', () => {
    expect(parseStatusErrors([null, 'x', { title: 'no code' }, { code: '131026' }, { code: 131026, error_data: 'x' }])).toStrictEqual([{ code: 131026 }]);
    expect(parseStatusErrors(undefined)).toEqual([]);
    expect(parseStatusErrors({ code: 131026 })).toEqual([]);
    fc.assert(fc.property(fc.anything(), (value) => {
      expect(Array.isArray(parseStatusErrors(value))).toBe(true);
    }), { numRuns: 200 });
  });
});
