/**
 * The contact record a business keeps for each recipient. The Cloud API stores no contacts, so the
 * opt-in evidence, opt-outs, suppressions and identity changes live here (seed 002).
 * Every function is pure and returns a new record, or the same one when nothing changes.
 *
 * Rules where the sources are silent:
 * - A record keeps the latest opt-in and the latest opt-out, each by its own time. An opt-in allows
 *   sending again only if it is strictly later than the opt-out; at the same instant the opt-out wins.
 * - What permits a send counts only once its time has come (an opt-in dated after the send does not
 *   count); what forbids one counts whatever its date (a future-dated opt-out, suppression or
 *   identity change still blocks). A wrong clock in an import must never cause a send.
 * - A new opt-in does not lift a suppression: suppressions are about the number (not on WhatsApp,
 *   marketing turned off inside WhatsApp, Meta refusing delivery), not about consent. Only
 *   `liftSuppression`, a person's decision, clears one. 131050 blocks every template, not only
 *   marketing ones: eligibility here does not know the category, so it errs on the safe side.
 * - An ordinary inbound message is not an opt-in: an opt-in must name the business and what the user
 *   will receive, which "hi" does not.
 * - An identity change blocks until acknowledged, and a later change blocks again. When Meta named a
 *   new number (`user_changed_number`), acknowledging moves the contact, and its consent, there:
 *   the old number may now be someone else's.
 */
import { CoreError, describe, invalidArgument, notOneOf } from './errors.ts';
import { msisdnFromWaId, parseMsisdn, toWaId, type Msisdn, type MsisdnOptions } from './msisdn.ts';
import { isOptOutMessage } from './opt-out-keywords.ts';
import type { Instant } from './time.ts';

export const OPT_IN_SOURCES = ['web-form', 'ivr', 'ad', 'link', 'qr', 'thread', 'import', 'other'] as const;
export type OptInSource = (typeof OPT_IN_SOURCES)[number];
export const OPT_OUT_VIAS = ['keyword', 'request', 'import'] as const;
export type OptOutVia = (typeof OPT_OUT_VIAS)[number];
export const SUPPRESSION_REASONS = ['not-on-whatsapp', 'stopped-marketing', 'blocked', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export type IneligibleReason = 'no-opt-in' | 'opted-out' | 'suppressed' | 'identity-unacknowledged';

export interface OptIn { readonly source: OptInSource; readonly at: Instant; readonly evidence?: string }
export interface OptOut { readonly at: Instant; readonly via: OptOutVia; readonly text?: string }
export interface Suppression { readonly at: Instant; readonly reason: SuppressionReason; readonly metaCode?: number }
export interface IdentityChange {
  readonly changedAt: Instant;
  readonly acknowledgedAt?: Instant;
  /** Set when Meta reported a number change (`user_changed_number`). */
  readonly newWaId?: string;
  /** The wa_id the contact had before an acknowledged number change moved it. */
  readonly previousWaId?: string;
}

export interface Contact {
  readonly msisdn: Msisdn;
  readonly waId: string;
  readonly name?: string;
  readonly optIn?: OptIn;
  readonly optOut?: OptOut;
  readonly suppression?: Suppression;
  readonly identity?: IdentityChange;
  readonly attributes?: Readonly<Record<string, string>>;
}

export type SendEligibility =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: IneligibleReason; readonly explanation: string };

/**
 * What 'never send to this contact again' errors mean for the record.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
const SUPPRESSING_META_CODES: Readonly<Record<number, SuppressionReason>> = {
  131026: 'not-on-whatsapp', // not on WhatsApp, an outdated client, or terms not accepted
  131050: 'stopped-marketing', // the user stopped marketing messages from this business
  130403: 'blocked',
};

const CONTACT_FIELDS = ['msisdn', 'waId', 'name', 'optIn', 'optOut', 'suppression', 'identity', 'attributes'];
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const MAX_KEPT_TEXT = 500;

/**
 * Build a contact from loose input (a CRM export row, a stored record). Unknown fields are refused:
 * a misspelt `optout` silently dropped would let a send through. Times are epoch milliseconds or
 * ISO 8601 with a zone; an opt-out without `via` is taken as coming from an import.
 */
export function createContact(spec: unknown, options: MsisdnOptions = {}): Contact {
  const s = record(spec, 'contact', 'an object like { msisdn: "+966501234567" }');
  const unknownField = Object.keys(s).find((key) => !CONTACT_FIELDS.includes(key));
  if (unknownField !== undefined) {
    throw invalidArgument('contact', `unknown field ${JSON.stringify(unknownField)}, expected only ${CONTACT_FIELDS.join(', ')}`, { field: unknownField });
  }
  const msisdn = s.msisdn === undefined && s.waId !== undefined ? msisdnFromWaId(s.waId) : parseMsisdn(s.msisdn, options);
  const waId = s.waId === undefined ? toWaId(msisdn) : toWaId(msisdnFromWaId(s.waId));
  const name = optionalText(s.name, 'contact name');
  let contact: Contact = { msisdn, waId, ...(name !== undefined ? { name } : {}) };
  if (s.optIn !== undefined) {
    const o = record(s.optIn, 'contact optIn', 'an object like { source: "web-form", at: 1760000000000 }');
    contact = recordOptIn(contact, o.source as OptInSource, parseInstant(o.at, 'contact optIn.at'), optionalText(o.evidence, 'contact optIn.evidence'));
  }
  if (s.optOut !== undefined) {
    const o = record(s.optOut, 'contact optOut', 'an object like { at: 1760000000000, via: "request" }');
    contact = recordOptOut(contact, (o.via ?? 'import') as OptOutVia, parseInstant(o.at, 'contact optOut.at'), optionalText(o.text, 'contact optOut.text'));
  }
  if (s.suppression !== undefined) {
    const o = record(s.suppression, 'contact suppression', 'an object like { at: 1760000000000, reason: "manual" }');
    contact = suppress(contact, o.reason as SuppressionReason, parseInstant(o.at, 'contact suppression.at'), o.metaCode as number | undefined);
  }
  if (s.identity !== undefined) contact = { ...contact, identity: parseIdentity(s.identity) };
  if (s.attributes !== undefined) contact = { ...contact, attributes: parseAttributes(s.attributes) };
  return contact;
}

export function recordOptIn(contact: Contact, source: OptInSource, at: Instant, evidence?: string): Contact {
  if (!(OPT_IN_SOURCES as readonly unknown[]).includes(source)) throw notOneOf('WA_INVALID_ARGUMENT', 'opt-in source', source, OPT_IN_SOURCES);
  const when = parseInstant(at, 'opt-in time');
  const kept = optionalText(evidence, 'opt-in evidence');
  if (contact.optIn && contact.optIn.at > when) return contact;
  return { ...contact, optIn: { source, at: when, ...(kept !== undefined ? { evidence: kept } : {}) } };
}

export function recordOptOut(contact: Contact, via: OptOutVia, at: Instant, text?: string): Contact {
  if (!(OPT_OUT_VIAS as readonly unknown[]).includes(via)) throw notOneOf('WA_INVALID_ARGUMENT', 'opt-out via', via, OPT_OUT_VIAS);
  const when = parseInstant(at, 'opt-out time');
  const kept = optionalText(text, 'opt-out text')?.slice(0, MAX_KEPT_TEXT);
  if (contact.optOut && contact.optOut.at > when) return contact;
  return { ...contact, optOut: { at: when, via, ...(kept !== undefined ? { text: kept } : {}) } };
}

/** Apply an inbound text: an opt-out keyword opts the contact out at once; anything else changes nothing. */
export function applyInboundText(contact: Contact, text: string, at: Instant): { contact: Contact; optedOut: boolean } {
  const when = parseInstant(at, 'inbound message time');
  if (!isOptOutMessage(text)) return { contact, optedOut: false };
  return { contact: recordOptOut(contact, 'keyword', when, text.trim()), optedOut: true };
}

/** Suppress the contact. An existing suppression stands: the first reason is the one to explain. */
export function suppress(contact: Contact, reason: SuppressionReason, at: Instant, metaCode?: number): Contact {
  if (!(SUPPRESSION_REASONS as readonly unknown[]).includes(reason)) throw notOneOf('WA_INVALID_ARGUMENT', 'suppression reason', reason, SUPPRESSION_REASONS);
  const when = parseInstant(at, 'suppression time');
  if (metaCode !== undefined && !Number.isSafeInteger(metaCode)) {
    throw invalidArgument('suppression metaCode', `got ${describe(metaCode)}, expected Meta's integer error code like 131026`);
  }
  if (contact.suppression) return contact;
  return { ...contact, suppression: { at: when, reason, ...(metaCode !== undefined ? { metaCode } : {}) } };
}

/** A person's decision to message a suppressed number again. */
export function liftSuppression(contact: Contact): Contact {
  if (!contact.suppression) return contact;
  const { suppression: _lifted, ...rest } = contact;
  return rest;
}

/** The suppression a failed send's Meta error code calls for, if any. */
export function suppressionForMetaCode(code: unknown): SuppressionReason | undefined {
  const n = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
  return typeof n === 'number' ? SUPPRESSING_META_CODES[n] : undefined;
}

/** Meta reported a re-registration (`user_identity_changed`) or a new number (`user_changed_number`). */
export function recordIdentityChange(contact: Contact, at: Instant, newWaId?: string): Contact {
  const when = parseInstant(at, 'identity change time');
  const moved = newWaId === undefined ? undefined : toWaId(msisdnFromWaId(newWaId));
  if (contact.identity && contact.identity.changedAt > when) return contact;
  return { ...contact, identity: { changedAt: when, ...(moved !== undefined ? { newWaId: moved } : {}) } };
}

/** A person confirmed who is behind the number now; with a number change, the contact moves to it. */
export function acknowledgeIdentity(contact: Contact, at: Instant): Contact {
  const when = parseInstant(at, 'identity acknowledgement time');
  const identity = contact.identity;
  if (!identity || identity.acknowledgedAt !== undefined) return contact;
  if (when < identity.changedAt) {
    throw invalidArgument('identity acknowledgement', `got a time (${when}) before the change it acknowledges (${identity.changedAt}), expected one at or after it`, { at: when, changedAt: identity.changedAt });
  }
  if (identity.newWaId === undefined || identity.newWaId === contact.waId) {
    return { ...contact, identity: { ...identity, acknowledgedAt: when } };
  }
  return {
    ...contact,
    msisdn: msisdnFromWaId(identity.newWaId),
    waId: identity.newWaId,
    identity: { ...identity, acknowledgedAt: when, previousWaId: contact.waId },
  };
}

/**
 * Whether a template may go to this contact at `at`. When several things block, the one the business
 * can do least about is named: suppressed, then opted out, then no opt-in, then identity.
 */
export function sendEligibility(contact: Contact, at: Instant): SendEligibility {
  const now = parseInstant(at, 'send time');
  const { optIn, optOut, suppression, identity } = contact;
  let reason: IneligibleReason | undefined;
  if (suppression) reason = 'suppressed';
  else if (optOut && !(optIn && optIn.at > optOut.at && optIn.at <= now)) reason = 'opted-out';
  else if (!optIn || optIn.at > now) reason = 'no-opt-in';
  else if (identity && identity.acknowledgedAt === undefined) reason = 'identity-unacknowledged';
  return reason === undefined ? { ok: true } : { ok: false, reason, explanation: describeBlock(reason, contact, now) };
}

/** Plain language for a Slack user: what happened, and what, if anything, would allow sending again. */
function describeBlock(reason: IneligibleReason, contact: Contact, now: Instant): string {
  const { optIn, optOut, suppression, identity } = contact;
  switch (reason) {
    case 'suppressed': {
      const code = suppression?.metaCode;
      const cited = (fallback: number) => `error ${code ?? fallback}`;
      switch (suppression?.reason) {
        case 'not-on-whatsapp':
          return `WhatsApp could not deliver to this number: it is not on WhatsApp, has an outdated app, or has not accepted WhatsApp's terms (${cited(131026)}). Sending again would only hurt your number's quality, so it stays suppressed.`;
        case 'stopped-marketing':
          return `This person turned off marketing messages from your business inside WhatsApp (${cited(131050)}). The number stays suppressed until a teammate lifts it, e.g. after they turn them back on.`;
        case 'blocked':
          return `WhatsApp refused delivery to this person (${cited(130403)}), so the number is suppressed. A teammate can lift the suppression if that was a mistake.`;
        default:
          return 'A teammate suppressed this number by hand. Lift the suppression to message it again.';
      }
    }
    case 'opted-out': {
      const how = optOut?.via === 'keyword' ? `replied ${JSON.stringify(shorten(optOut.text ?? 'STOP'))} to opt out`
        : optOut?.via === 'import' ? 'is marked as opted out in your contact import'
          : 'asked to stop receiving messages';
      return `This person ${how}. Only a new opt-in, given after that, allows messaging them again.`;
    }
    case 'no-opt-in':
      return optIn && optIn.at > now
        ? 'The opt-in on record is dated in the future, so it does not count yet. Check the times in the contact import.'
        : 'There is no record that this person agreed to hear from you. Collect an opt-in that names your business and what they will receive (a web form, QR code, link, ad, or a chat they start) before sending templates.';
    case 'identity-unacknowledged':
      return identity?.newWaId !== undefined
        ? `This person moved their WhatsApp to another number (+${identity.newWaId}). Acknowledge the change to move the contact there before messaging them.`
        : "This person's WhatsApp account was registered again, so the number may now belong to someone else. Check with them through another channel, then acknowledge the change before messaging.";
  }
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function parseIdentity(value: unknown): IdentityChange {
  const o = record(value, 'contact identity', 'an object like { changedAt: 1760000000000 }');
  const changedAt = parseInstant(o.changedAt, 'contact identity.changedAt');
  const acknowledgedAt = o.acknowledgedAt === undefined ? undefined : parseInstant(o.acknowledgedAt, 'contact identity.acknowledgedAt');
  if (acknowledgedAt !== undefined && acknowledgedAt < changedAt) {
    throw invalidArgument('contact identity.acknowledgedAt', `got ${acknowledgedAt}, before changedAt ${changedAt}; expected a time at or after the change`);
  }
  const newWaId = o.newWaId === undefined ? undefined : toWaId(msisdnFromWaId(o.newWaId));
  const previousWaId = o.previousWaId === undefined ? undefined : toWaId(msisdnFromWaId(o.previousWaId));
  return {
    changedAt,
    ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}),
    ...(newWaId !== undefined ? { newWaId } : {}),
    ...(previousWaId !== undefined ? { previousWaId } : {}),
  };
}

function parseAttributes(value: unknown): Record<string, string> {
  const o = record(value, 'contact attributes', 'an object of text values like { city: "Riyadh" }');
  for (const [key, v] of Object.entries(o)) {
    if (typeof v !== 'string') throw invalidArgument('contact attributes', `${JSON.stringify(key)} is ${describe(v)}, expected a string`, { key });
  }
  return { ...(o as Record<string, string>) };
}

/** Epoch milliseconds, or ISO 8601 with a zone (a zoneless time would depend on the machine's zone). */
function parseInstant(value: unknown, what: string): Instant {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && ISO_WITH_ZONE.test(value.trim())) {
    const ms = Date.parse(value.trim());
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  throw invalidArgument(what, `got ${describe(value)}, expected epoch milliseconds (a number >= 0) or an ISO 8601 time with a zone like "2025-10-07T09:00:00Z"`, { value });
}

function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(what, `got ${describe(value)}, expected a string`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function record(value: unknown, what: string, expected: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new CoreError('WA_INVALID_ARGUMENT', `${what}: got ${describe(value)}, expected ${expected}`, { value });
}
