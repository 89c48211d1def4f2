/**
 * A WhatsApp Business phone number as the business sees it. Status values are Meta's
 * (`GET /<PHONE_NUMBER_ID>?fields=status`); role is ours: campaign numbers are expendable and
 * send campaigns, the main number keeps customer service and its history (seed 003).
 */
import { CoreError, invalidArgument, notOneOf } from './errors.ts';
import { parseQuality, type QualityRating } from './quality.ts';
import { parseTier, type TierName } from './tier.ts';

export const NUMBER_STATUSES = [
  'CONNECTED', 'FLAGGED', 'RESTRICTED', 'RATE_LIMITED', 'BANNED', 'DISCONNECTED',
  'PENDING', 'DELETED', 'MIGRATED', 'UNVERIFIED', 'UNKNOWN',
] as const;
export type NumberStatus = (typeof NUMBER_STATUSES)[number];

export const NUMBER_ROLES = ['campaign', 'main'] as const;
export type NumberRole = (typeof NUMBER_ROLES)[number];

/**
 * Messages per second, inbound and outbound together: 80 by default, 1,000 after Meta's automatic
 * upgrade, 20 for numbers shared with the WhatsApp Business app.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 */
export const DEFAULT_THROUGHPUT_MPS = 80;
export const MAX_THROUGHPUT_MPS = 1_000;
export const COEXISTENCE_THROUGHPUT_MPS = 20;

export interface PhoneNumber {
  readonly id: string;
  readonly display: string;
  readonly role: NumberRole;
  readonly status: NumberStatus;
  readonly quality: QualityRating;
  readonly tier: TierName;
  readonly throughputMps: number;
}

export interface PhoneNumberSpec {
  id: unknown;
  display?: unknown;
  role?: unknown;
  status?: unknown;
  quality?: unknown;
  tier?: unknown;
  throughputMps?: unknown;
}

export function parseNumberStatus(value: unknown): NumberStatus {
  if (typeof value === 'string' && (NUMBER_STATUSES as readonly string[]).includes(value.toUpperCase())) {
    return value.toUpperCase() as NumberStatus;
  }
  throw notOneOf('WA_UNKNOWN_STATUS', 'number status', value, NUMBER_STATUSES);
}

export function parseNumberRole(value: unknown): NumberRole {
  if (value === 'campaign' || value === 'main') return value;
  throw notOneOf('WA_INVALID_ARGUMENT', 'number role', value, NUMBER_ROLES);
}

/** Build a phone number from loose input (a scenario file, a config, an API answer). */
export function createPhoneNumber(spec: PhoneNumberSpec): PhoneNumber {
  if (spec === null || typeof spec !== 'object') throw invalidArgument('phone number', 'expected an object with at least an id');
  if (typeof spec.id !== 'string' || spec.id.trim() === '') {
    throw new CoreError('WA_INVALID_ARGUMENT', 'phone number id: expected a non-empty string (the Cloud API phone number id)', { value: spec.id });
  }
  const throughput = spec.throughputMps ?? DEFAULT_THROUGHPUT_MPS;
  if (typeof throughput !== 'number' || !Number.isFinite(throughput) || throughput <= 0 || throughput > MAX_THROUGHPUT_MPS) {
    throw invalidArgument('throughputMps', `got ${String(throughput)}, expected a number of messages per second in (0, ${MAX_THROUGHPUT_MPS}]`);
  }
  return {
    id: spec.id,
    display: typeof spec.display === 'string' ? spec.display : spec.id,
    role: spec.role === undefined ? 'campaign' : parseNumberRole(spec.role),
    status: spec.status === undefined ? 'CONNECTED' : parseNumberStatus(spec.status),
    quality: spec.quality === undefined ? 'UNKNOWN' : parseQuality(spec.quality),
    tier: spec.tier === undefined ? 'TIER_250' : parseTier(spec.tier),
    throughputMps: throughput,
  };
}

/** Statuses from which business-initiated messages can go out at all. */
export function canInitiate(status: NumberStatus): boolean {
  return status === 'CONNECTED' || status === 'FLAGGED';
}
