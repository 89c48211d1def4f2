import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getCountries, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { CoreError } from '../../core/errors.ts';
import { msisdnFromWaId, parseMsisdn, toWaId, type Msisdn } from '../../core/msisdn.ts';

function failure(run: () => unknown): CoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error('expected a CoreError, got a result');
}

const toArabicIndic = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
const toEasternArabicIndic = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

describe('parsing human-written numbers to E.164', () => {
  it.each([
    ['+966501234567', undefined],
    ['+966 50 123 4567', undefined],
    ['+966-50-123-4567', undefined],
    ['+966 (50) 123.4567', undefined],
    ['00966501234567', undefined],
    ['00 966 50 123 4567', undefined],
    ['  +966501234567\t', undefined],
    ['٠٠٩٦٦٥٠١٢٣٤٥٦٧', undefined],
    ['+۹۶۶۵۰۱۲۳۴۵۶۷', undefined],
    ['+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧', undefined],
    ['\u200E+966 50 123 4567\u200F', undefined],
    ['966501234567+', undefined],
    ['＋９６６５０１２３４５６７', undefined],
    ['0501234567', 'SA'],
    ['050-123-4567', 'SA'],
    ['٠٥٠١٢٣٤٥٦٧', 'SA'],
    ['966501234567', 'SA'],
    ['050 123 4567', 'sa'],
  ] as const)('should read %j (default country %s) as +966501234567', (input, country) => {
    expect(parseMsisdn(input, country ? { defaultCountry: country as CountryCode } : {})).toBe('+966501234567');
  });

  it('should accept numbers of other types and countries, such as landlines', () => {
    expect(parseMsisdn('+966 11 234 5678')).toBe('+966112345678');
    expect(parseMsisdn('+1 (202) 555-0100')).toBe('+12025550100');
    expect(parseMsisdn('+971 50 123 4567')).toBe('+971501234567');
    expect(parseMsisdn('010 1234 5678', { defaultCountry: 'EG' })).toBe('+201012345678');
  });
});

describe('refusing bad numbers with a message naming the problem and the expected form', () => {
  it.each([
    ['0501234567', 'no-country-code', 'phone number: got "0501234567" without a country code, expected E.164 like +966501234567 (or pass defaultCountry)'],
    ['', 'empty', 'phone number: got "", expected E.164 like +966501234567'],
    ['+9665', 'too-short', 'phone number: got "+9665", too short to be a phone number; expected E.164 like +966501234567'],
    ['+966123', 'too-short', 'phone number: got "+966123", too short for Saudi Arabia (+966); expected a number like +966512345678'],
    ['+96650123456789012', 'too-long', 'phone number: got "+96650123456789012", too long for Saudi Arabia (+966); expected a number like +966512345678'],
    ['+12345678901234567890', 'too-long', 'phone number: got "+12345678901234567890", longer than the 15 digits E.164 allows; expected E.164 like +966501234567'],
    ['+966991234567', 'invalid-for-country', 'phone number: got "+966991234567", which is not a valid number in Saudi Arabia (+966); expected a number like +966512345678'],
    ['+999123456', 'unknown-country-code', 'phone number: got "+999123456", whose country calling code is not assigned; expected E.164 like +966501234567'],
    ['+966501234567 ext 12', 'bad-characters', 'phone number: got "+966501234567 ext 12", which contains "e"; expected digits with optional spaces, dashes, dots or parentheses, like +966 50 123 4567'],
    ['966+501234567', 'bad-characters', 'phone number: got "966+501234567", which contains "+"; expected digits with optional spaces, dashes, dots or parentheses, like +966 50 123 4567'],
    ['( )', 'no-digits', 'phone number: got "( )", which has no digits; expected E.164 like +966501234567'],
  ])('should refuse %j as %s', (input, problem, message) => {
    const err = failure(() => parseMsisdn(input));
    expect(err.code).toBe('WA_INVALID_PHONE');
    expect(err.message).toBe(message);
    expect(err.details.problem).toBe(problem);
  });

  it('should refuse a value that is not a string, saying so, whatever its type', () => {
    for (const value of [966501234567, null, undefined, {}, ['+966501234567'], true]) {
      const err = failure(() => parseMsisdn(value));
      expect(err.code).toBe('WA_INVALID_PHONE');
      expect(err.details.problem).toBe('not-a-string');
      expect(err.message).toMatch(/which is not a string; expected a string in E\.164 form like "\+966501234567"$/);
    }
    expect(failure(() => parseMsisdn(966501234567)).message).toMatch(/^phone number: got 966501234567, which is not a string/);
  });

  it('should refuse an unknown defaultCountry rather than guess', () => {
    const err = failure(() => parseMsisdn('0501234567', { defaultCountry: 'XX' as CountryCode }));
    expect(err.code).toBe('WA_INVALID_ARGUMENT');
    expect(err.message).toBe('phone number defaultCountry: got "XX", expected a two-letter ISO 3166 region like "SA" or "AE"');
  });

  it('should name the country and its code in details when known', () => {
    expect(failure(() => parseMsisdn('+966991234567')).details).toMatchObject({ callingCode: '966', country: 'SA' });
  });
});

describe('wa_id conversion', () => {
  it('should drop and restore the plus sign', () => {
    const msisdn = parseMsisdn('+966 50 123 4567');
    expect(toWaId(msisdn)).toBe('966501234567');
    expect(msisdnFromWaId('966501234567')).toBe('+966501234567');
  });

  it('should keep wa_ids outside the current numbering plan that Meta still uses', () => {
    expect(msisdnFromWaId('551187654321')).toBe('+551187654321');
    expect(msisdnFromWaId('5215512345678')).toBe('+5215512345678');
  });

  it.each([
    ['+966501234567', /^wa_id: got "\+966501234567", expected the digits Meta sends, like "966501234567"$/],
    [966501234567, /^wa_id: got 966501234567, expected the digits Meta sends/],
    ['999123', /whose country calling code is not assigned/],
    ['12', /too short to be a phone number/],
    ['1234567890123456', /longer than the 15 digits E\.164 allows/],
  ])('should refuse wa_id %j', (waId, message) => {
    const err = failure(() => msisdnFromWaId(waId));
    expect(err.code).toBe('WA_INVALID_PHONE');
    expect(err.message).toMatch(message);
  });

  it('should refuse to take the digits of something that is not E.164', () => {
    expect(failure(() => toWaId('0501234567' as Msisdn)).code).toBe('WA_INVALID_PHONE');
  });
});

const EXAMPLES = getCountries().flatMap((country) => {
  const example = getExampleNumber(country, mobileExamples);
  return example ? [{ country, example }] : [];
});

type Style = (p: (typeof EXAMPLES)[number]['example']) => { text: string; defaultCountry?: CountryCode };
const STYLES: Record<string, Style> = {
  e164: (p) => ({ text: p.number }),
  spaced: (p) => ({ text: p.formatInternational() }),
  dashed: (p) => ({ text: p.formatInternational().replace(/ /g, '-') }),
  dotted: (p) => ({ text: p.formatInternational().replace(/ /g, '.') }),
  doubleZero: (p) => ({ text: `00${p.formatInternational().slice(1)}` }),
  parentheses: (p) => ({ text: `+${p.countryCallingCode} (${p.nationalNumber.slice(0, 3)}) ${p.nationalNumber.slice(3)}` }),
  national: (p) => ({ text: p.formatNational(), defaultCountry: p.country! }),
};

describe('properties of parseMsisdn', () => {
  it('should read any valid number written in any common human way as the same E.164', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.constantFrom(...Object.keys(STYLES)),
        fc.constantFrom('latin', 'arabic-indic', 'eastern-arabic-indic'),
        fc.constantFrom('', ' ', '\t', '\u200F'),
        ({ example }, style, digits, pad) => {
          const { text, defaultCountry } = STYLES[style]!(example);
          const written = digits === 'arabic-indic' ? toArabicIndic(text) : digits === 'eastern-arabic-indic' ? toEasternArabicIndic(text) : text;
          expect(parseMsisdn(`${pad}${written}${pad}`, defaultCountry ? { defaultCountry } : {})).toBe(example.number);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should either return E.164 or throw a CoreError, for any string at all', () => {
    const phoneish = fc.string({ unit: fc.constantFrom(...'+0123456789 -().٠٣٩۵x'.split('')), maxLength: 22 });
    fc.assert(
      fc.property(fc.oneof(phoneish, fc.string({ unit: 'grapheme' }), fc.anything()), (input) => {
        try {
          const msisdn = parseMsisdn(input);
          expect(msisdn).toMatch(/^\+[1-9]\d{5,14}$/);
          expect(parseMsisdn(msisdn)).toBe(msisdn);
          expect(msisdnFromWaId(toWaId(msisdn))).toBe(msisdn);
        } catch (error) {
          expect(error).toBeInstanceOf(CoreError);
          expect((error as CoreError).code).toBe('WA_INVALID_PHONE');
          expect((error as CoreError).message).toMatch(/^phone number: got .*expected/s);
        }
      }),
      { numRuns: 300 },
    );
  });
});
