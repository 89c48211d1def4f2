/**
 * A recipient's phone number in E.164 form (`+966501234567`), the only form this project stores.
 *
 * Meta's send API takes `to` with or without the plus sign, but when the plus is missing it
 * prepends the *business* number's country code, which misdelivers a foreign number (Meta's send
 * reference, "Phone number formats"). So a number without a country code is refused here unless
 * the caller names the country it was collected in.
 *
 * Parsing uses libphonenumber-js with its `max` metadata: unlike the default `min` set it checks
 * each country's number patterns, not only the lengths, so `+966 99…` (no such range) is refused.
 */
import {
  ParseError,
  getExampleNumber,
  isSupportedCountry,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import { CoreError, describe, invalidArgument } from './errors.ts';

export type { CountryCode };

/** An E.164 number: '+', country calling code, national number; digits only, at most 15. */
export type Msisdn = string & { readonly __brand: 'Msisdn' };

export interface MsisdnOptions {
  /** ISO 3166 region the numbers were collected in, for numbers written without a country code. */
  readonly defaultCountry?: CountryCode;
}

export type MsisdnProblem =
  | 'not-a-string' | 'empty' | 'bad-characters' | 'no-digits' | 'no-country-code' | 'unknown-country-code'
  | 'too-short' | 'too-long' | 'invalid-length' | 'invalid-for-country';

const EXAMPLE = '+966501234567';
/** ITU-T E.164 caps a number at 15 digits including the country code. */
const E164_MAX_DIGITS = 15;

const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;
// Bidi marks and zero-width characters that RTL spreadsheets and CRMs wrap numbers in.
const INVISIBLES = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u00AD]/g;
const SEPARATORS = /[\s\-.()/]/g;
const ALLOWED = /^\+?[\d\s\-.()/]*$/;
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Parse a phone number written the way people write them (spaces, dashes, dots, parentheses,
 * a leading 00, Arabic-Indic or Eastern Arabic-Indic digits) into E.164.
 *
 * Numbers of every type are accepted (mobile, fixed line, VoIP…): WhatsApp accounts can be
 * registered on landlines through voice verification, so only Meta can tell whether one exists.
 */
export function parseMsisdn(input: unknown, options: MsisdnOptions = {}): Msisdn {
  const defaultCountry = checkCountry(options.defaultCountry);
  if (typeof input !== 'string') {
    throw phoneError(input, 'not-a-string', `got ${describe(input)}, which is not a string; expected a string in E.164 form like "${EXAMPLE}"`);
  }
  const text = toAsciiDigits(input.normalize('NFKC')).replace(INVISIBLES, '').trim();
  if (text === '') throw phoneError(input, 'empty', `got ${describe(input)}, expected E.164 like ${EXAMPLE}`);
  // A trailing '+' is the leading one displaced by right-to-left display in a copy-paste.
  const ordered = /^[^+]*\+$/.test(text) ? `+${text.slice(0, -1)}` : text;
  if (!ALLOWED.test(ordered)) {
    const bad = [...ordered].find((ch, i) => !(/[\d\s\-.()/]/.test(ch) || (ch === '+' && i === 0)));
    throw phoneError(input, 'bad-characters',
      `got ${describe(input)}, which contains ${JSON.stringify(bad)}; expected digits with optional spaces, dashes, dots or parentheses, like +966 50 123 4567`);
  }
  let compact = ordered.replace(SEPARATORS, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (!/\d/.test(compact)) throw phoneError(input, 'no-digits', `got ${describe(input)}, which has no digits; expected E.164 like ${EXAMPLE}`);
  if (!compact.startsWith('+') && defaultCountry === undefined) {
    throw phoneError(input, 'no-country-code', `got ${describe(input)} without a country code, expected E.164 like ${EXAMPLE} (or pass defaultCountry)`);
  }
  const parsed = parseOrExplain(input, compact, defaultCountry);
  const lengthProblem = validatePhoneNumberLength(parsed.number, defaultCountry);
  if (lengthProblem === 'TOO_SHORT') throw phoneError(input, 'too-short', `got ${describe(input)}, too short for ${where(parsed)}; expected ${exampleFor(parsed)}`, parsed);
  if (lengthProblem === 'TOO_LONG') throw phoneError(input, 'too-long', `got ${describe(input)}, too long for ${where(parsed)}; expected ${exampleFor(parsed)}`, parsed);
  if (lengthProblem !== undefined) {
    throw phoneError(input, 'invalid-length', `got ${describe(input)}, a length no number in ${where(parsed)} has; expected ${exampleFor(parsed)}`, parsed);
  }
  if (!parsed.isValid()) {
    throw phoneError(input, 'invalid-for-country', `got ${describe(input)}, which is not a valid number in ${where(parsed)}; expected ${exampleFor(parsed)}`, parsed);
  }
  return parsed.number as Msisdn;
}

/** Meta's `wa_id` and the `to` of a send: the E.164 digits without the '+'. */
export function toWaId(msisdn: Msisdn): string {
  if (typeof msisdn !== 'string' || !/^\+[1-9]\d{1,14}$/.test(msisdn)) {
    throw phoneError(msisdn, 'bad-characters', `got ${describe(msisdn)}, expected an E.164 number from parseMsisdn like ${EXAMPLE}`);
  }
  return msisdn.slice(1);
}

/**
 * The E.164 number for a `wa_id` Meta sent (inbound `from`, `contacts[].wa_id`).
 *
 * Only the country calling code and the E.164 length are checked, not the national pattern: a
 * `wa_id` can lie outside today's numbering plan (Brazilian numbers registered before the ninth
 * digit, e.g. 551187654321; Mexican ones with the old mobile '1', e.g. 5215512345678), and Meta,
 * not the plan, is the authority on which account it names.
 */
export function msisdnFromWaId(waId: unknown): Msisdn {
  if (typeof waId !== 'string' || !/^\d+$/.test(waId.trim())) {
    throw phoneError(waId, 'bad-characters', `wa_id: got ${describe(waId)}, expected the digits Meta sends, like "966501234567"`);
  }
  const digits = waId.trim();
  if (digits.length > E164_MAX_DIGITS) {
    throw phoneError(waId, 'too-long', `wa_id: got ${describe(waId)}, longer than the ${E164_MAX_DIGITS} digits E.164 allows; expected something like "966501234567"`);
  }
  try {
    return parsePhoneNumberWithError(`+${digits}`).number as Msisdn;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const problem = error.message === 'INVALID_COUNTRY' ? 'unknown-country-code' : 'too-short';
    const what = problem === 'unknown-country-code' ? 'whose country calling code is not assigned' : 'too short to be a phone number';
    throw phoneError(waId, problem, `wa_id: got ${describe(waId)}, ${what}; expected something like "966501234567"`);
  }
}

function parseOrExplain(input: string, compact: string, defaultCountry: CountryCode | undefined): PhoneNumber {
  try {
    return parsePhoneNumberWithError(compact, defaultCountry);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    switch (error.message) {
      case 'INVALID_COUNTRY':
        throw phoneError(input, 'unknown-country-code', `got ${describe(input)}, whose country calling code is not assigned; expected E.164 like ${EXAMPLE}`);
      case 'TOO_SHORT':
        throw phoneError(input, 'too-short', `got ${describe(input)}, too short to be a phone number; expected E.164 like ${EXAMPLE}`);
      case 'TOO_LONG':
        throw phoneError(input, 'too-long', `got ${describe(input)}, longer than the ${E164_MAX_DIGITS} digits E.164 allows; expected E.164 like ${EXAMPLE}`);
      default:
        throw phoneError(input, 'no-digits', `got ${describe(input)}, which is not a phone number; expected E.164 like ${EXAMPLE}`);
    }
  }
}

function checkCountry(value: unknown): CountryCode | undefined {
  if (value === undefined) return undefined;
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (isSupportedCountry(upper)) return upper;
  throw invalidArgument('phone number defaultCountry', `got ${describe(value)}, expected a two-letter ISO 3166 region like "SA" or "AE"`, { value });
}

function toAsciiDigits(text: string): string {
  return text.replace(ARABIC_INDIC_DIGITS, (d) => {
    const code = d.codePointAt(0)!;
    return String(code - (code >= 0x06f0 ? 0x06f0 : 0x0660));
  });
}

function where(number: PhoneNumber): string {
  const code = `+${number.countryCallingCode}`;
  return number.country ? `${regionNames.of(number.country) ?? number.country} (${code})` : code;
}

function exampleFor(number: PhoneNumber): string {
  const example = number.country ? getExampleNumber(number.country, mobileExamples)?.number : undefined;
  return example ? `a number like ${example}` : `E.164 like ${EXAMPLE}`;
}

function phoneError(input: unknown, problem: MsisdnProblem, message: string, parsed?: PhoneNumber): CoreError {
  const what = message.startsWith('wa_id:') ? '' : 'phone number: ';
  return new CoreError('WA_INVALID_PHONE', `${what}${message}`, {
    input,
    problem,
    ...(parsed ? { callingCode: parsed.countryCallingCode, country: parsed.country } : {}),
  });
}
