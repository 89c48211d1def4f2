/**
 * Bad input to every public constructor and parser of core/ gives a CoreError whose message says
 * what is wrong and what is expected; nothing fails with a bare TypeError, whatever it is fed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CoreError, LimitHolder, SEED_TEMPLATES, assertTemplateSend, classifyMetaError, createCampaign, createContact, createPhoneNumber,
  getPolicy, parseDayTime, parseDuration, parseLedgerKey, parseMsisdn, parseNumberStatus, parseQuality, parseTemplateDefinition,
  parseTier, parseDeliveryStatus, qualityParameters,
} from '../../core/index.ts';

const parsers: Record<string, (input: unknown) => unknown> = {
  parseMsisdn: (x) => parseMsisdn(x),
  parseTier: (x) => parseTier(x),
  getPolicy: (x) => getPolicy(x),
  parseQuality: (x) => parseQuality(x),
  parseNumberStatus: (x) => parseNumberStatus(x),
  parseDeliveryStatus: (x) => parseDeliveryStatus(x),
  parseDuration: (x) => parseDuration(x as string),
  parseDayTime: (x) => parseDayTime(x as string),
  createPhoneNumber: (x) => createPhoneNumber(x as never),
  parseTemplateDefinition: (x) => parseTemplateDefinition(x),
  assertTemplateSend: (x) => assertTemplateSend(SEED_TEMPLATES[0], x),
  createContact: (x) => createContact(x),
  createCampaign: (x) => createCampaign(x),
  parseLedgerKey: (x) => parseLedgerKey(x),
  classifyMetaError: (x) => classifyMetaError(x),
  qualityParameters: (x) => qualityParameters(x as never),
  LimitHolder: (x) => new LimitHolder(getPolicy('meta-2023'), { holderId: 'n', at: 0, tier: x as never }),
};

/** A thrown error must be a CoreError; a value is fine (some junk is valid input). */
function expectCoreErrorOrValue(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).message.length).toBeGreaterThan(10);
  }
}

describe('bad input to core constructors and parsers', () => {
  it.each(Object.keys(parsers))('%s should answer anything with a value or a CoreError, never a TypeError', (name) => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }), (input) => expectCoreErrorOrValue(() => parsers[name]!(input))), { numRuns: 200 });
  });

  it.each([
    ['parseMsisdn', '0501234567', /expected E\.164 like \+966501234567/],
    ['parseTier', 'TIER_3K', /got "TIER_3K", expected one of TIER_50, TIER_250/],
    ['getPolicy', 'meta-2019', /expected one of meta-2023, meta-2025-10/],
    ['parseQuality', 'BLUE', /expected one of HIGH, MEDIUM, LOW, UNKNOWN/],
    ['parseNumberStatus', 'ASLEEP', /expected one of CONNECTED, FLAGGED/],
    ['parseDuration', '9 hours', /expected a number and a unit/],
    ['parseDayTime', 'noon', /expected "<days>d HH:MM"/],
    ['createPhoneNumber', { id: '' }, /expected a non-empty string/],
    ['parseTemplateDefinition', { name: 'x', components: [{ type: 'HEADER', format: 'GIF' }] }, /format: got "GIF", expected one of TEXT, IMAGE/],
    ['assertTemplateSend', { name: 'order_update', language: { code: 'en_US' }, components: [] }, /132000/],
    ['classifyMetaError', 'abc', /expected a non-negative integer/],
    ['LimitHolder', 'TIER_2K', /TIER_2K does not exist under meta-2023; expected one of TIER_250/],
  ])('%s(%j) should say what is wrong and what is expected', (name, input, message) => {
    let thrown: unknown;
    try { parsers[name]!(input); } catch (err) { thrown = err; }
    expect(thrown).toBeInstanceOf(CoreError);
    expect((thrown as CoreError).message).toMatch(message);
  });
});
