import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoreError } from '../../core/errors.ts';
import {
  OPT_IN_SOURCES, OPT_OUT_VIAS, SUPPRESSION_REASONS,
  acknowledgeIdentity, applyInboundText, createContact, liftSuppression, recordIdentityChange, recordOptIn, recordOptOut,
  sendEligibility, suppress, suppressionForMetaCode,
  type Contact, type IneligibleReason, type OptInSource, type OptOutVia, type SuppressionReason,
} from '../../core/contact.ts';
import { HOUR, MINUTE, DAY, type Instant } from '../../core/time.ts';

const T0 = 1_760_000_000_000;
const base = (): Contact => createContact({ msisdn: '+966 50 123 4567' });
const optedIn = (at = T0): Contact => recordOptIn(base(), 'web-form', at, 'form #12, 2025-10-09');
const verdict = (contact: Contact, at: Instant) => {
  const e = sendEligibility(contact, at);
  return e.ok ? 'ok' : e.reason;
};

function failure(run: () => unknown): CoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error('expected a CoreError, got a result');
}

describe('creating a contact from loose input', () => {
  it('should normalise the number and derive the wa_id', () => {
    expect(base()).toEqual({ msisdn: '+966501234567', waId: '966501234567' });
    expect(createContact({ msisdn: '0501234567' }, { defaultCountry: 'SA' }).msisdn).toBe('+966501234567');
    expect(createContact({ waId: '966501234567' })).toEqual({ msisdn: '+966501234567', waId: '966501234567' });
  });

  it('should keep every field of a full record, accepting ISO times with a zone', () => {
    const contact = createContact({
      msisdn: '+966501234567', waId: '966501234567', name: '  Noura ',
      optIn: { source: 'qr', at: '2025-10-09T08:00:00Z', evidence: 'QR at the Riyadh branch' },
      optOut: { at: T0 - DAY, via: 'request', text: 'by phone' },
      suppression: { at: T0, reason: 'not-on-whatsapp', metaCode: 131026 },
      identity: { changedAt: T0, acknowledgedAt: T0 + HOUR },
      attributes: { city: 'Riyadh' },
    });
    expect(contact).toEqual({
      msisdn: '+966501234567', waId: '966501234567', name: 'Noura',
      optIn: { source: 'qr', at: Date.UTC(2025, 9, 9, 8), evidence: 'QR at the Riyadh branch' },
      optOut: { at: T0 - DAY, via: 'request', text: 'by phone' },
      suppression: { at: T0, reason: 'not-on-whatsapp', metaCode: 131026 },
      identity: { changedAt: T0, acknowledgedAt: T0 + HOUR },
      attributes: { city: 'Riyadh' },
    });
  });

  it('should take an opt-out without a channel as coming from the import, and drop an empty name', () => {
    const contact = createContact({ msisdn: '+966501234567', name: '', optOut: { at: T0 } });
    expect(contact.optOut).toEqual({ at: T0, via: 'import' });
    expect(contact).not.toHaveProperty('name');
  });

  it.each([
    [null, 'WA_INVALID_ARGUMENT', 'contact: got null, expected an object like { msisdn: "+966501234567" }'],
    [{ msisdn: '+966501234567', optout: { at: T0 } }, 'WA_INVALID_ARGUMENT', 'contact: unknown field "optout", expected only msisdn, waId, name, optIn, optOut, suppression, identity, attributes'],
    [{ msisdn: '0501234567' }, 'WA_INVALID_PHONE', 'phone number: got "0501234567" without a country code, expected E.164 like +966501234567 (or pass defaultCountry)'],
    [{ msisdn: '+966501234567', optIn: { source: 'sms', at: T0 } }, 'WA_INVALID_ARGUMENT', 'opt-in source: got "sms", expected one of web-form, ivr, ad, link, qr, thread, import, other'],
    [{ msisdn: '+966501234567', optIn: { source: 'qr', at: 'yesterday' } }, 'WA_INVALID_ARGUMENT', 'contact optIn.at: got "yesterday", expected epoch milliseconds (a number >= 0) or an ISO 8601 time with a zone like "2025-10-07T09:00:00Z"'],
    [{ msisdn: '+966501234567', optIn: { source: 'qr', at: '2025-10-09T08:00:00' } }, 'WA_INVALID_ARGUMENT', /contact optIn\.at: got "2025-10-09T08:00:00", expected .* with a zone/],
    [{ msisdn: '+966501234567', optIn: { source: 'qr', at: Number.NaN } }, 'WA_INVALID_ARGUMENT', /contact optIn\.at: got NaN/],
    [{ msisdn: '+966501234567', optOut: { at: T0, via: 'email' } }, 'WA_INVALID_ARGUMENT', 'opt-out via: got "email", expected one of keyword, request, import'],
    [{ msisdn: '+966501234567', suppression: { at: T0, reason: 'spam' } }, 'WA_INVALID_ARGUMENT', 'suppression reason: got "spam", expected one of not-on-whatsapp, stopped-marketing, blocked, manual'],
    [{ msisdn: '+966501234567', suppression: { at: T0, reason: 'blocked', metaCode: '130403' } }, 'WA_INVALID_ARGUMENT', /suppression metaCode: got "130403", expected Meta's integer error code/],
    [{ msisdn: '+966501234567', identity: { changedAt: T0, acknowledgedAt: T0 - 1 } }, 'WA_INVALID_ARGUMENT', /before changedAt/],
    [{ msisdn: '+966501234567', identity: { changedAt: T0, newWaId: '+971501234567' } }, 'WA_INVALID_PHONE', /^wa_id: got "\+971501234567"/],
    [{ msisdn: '+966501234567', attributes: { age: 42 } }, 'WA_INVALID_ARGUMENT', 'contact attributes: "age" is 42, expected a string'],
    [{ msisdn: '+966501234567', name: 7 }, 'WA_INVALID_ARGUMENT', 'contact name: got 7, expected a string'],
  ])('should refuse %j with a typed error', (spec, code, message) => {
    const err = failure(() => createContact(spec));
    expect(err.code).toBe(code);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });
});

describe('opt-in and opt-out', () => {
  it('should need an opt-in before any send, and not count one dated in the future', () => {
    expect(verdict(base(), T0)).toBe('no-opt-in');
    expect(verdict(optedIn(T0), T0)).toBe('ok');
    expect(verdict(optedIn(T0 + MINUTE), T0)).toBe('no-opt-in');
    expect(verdict(optedIn(T0 + MINUTE), T0 + MINUTE)).toBe('ok');
    const future = sendEligibility(optedIn(T0 + DAY), T0);
    expect(!future.ok && future.explanation).toMatch(/dated in the future/);
  });

  it('should block after an opt-out and allow again only after a strictly later opt-in', () => {
    const out = recordOptOut(optedIn(T0), 'request', T0 + HOUR);
    expect(verdict(out, T0 + HOUR)).toBe('opted-out');
    expect(verdict(recordOptIn(out, 'link', T0 + HOUR), T0 + DAY)).toBe('opted-out');
    expect(verdict(recordOptIn(out, 'link', T0 + 2 * HOUR), T0 + DAY)).toBe('ok');
  });

  it('should let a future-dated opt-out block now', () => {
    expect(verdict(recordOptOut(optedIn(T0), 'import', T0 + DAY), T0 + HOUR)).toBe('opted-out');
  });

  it('should keep the later record when an older one arrives late', () => {
    const late = recordOptIn(optedIn(T0 + DAY), 'ivr', T0);
    expect(late.optIn).toEqual({ source: 'web-form', at: T0 + DAY, evidence: 'form #12, 2025-10-09' });
    const out = recordOptOut(recordOptOut(base(), 'request', T0 + DAY), 'import', T0);
    expect(out.optOut).toEqual({ at: T0 + DAY, via: 'request' });
  });

  it('should return new records and leave the original untouched', () => {
    const original = Object.freeze(optedIn(T0));
    const out = recordOptOut(original, 'request', T0 + 1);
    expect(out).not.toBe(original);
    expect(original.optOut).toBeUndefined();
  });

  it('should refuse a bad source, channel or time', () => {
    expect(failure(() => recordOptIn(base(), 'tv' as OptInSource, T0)).message).toMatch(/^opt-in source: got "tv", expected one of web-form/);
    expect(failure(() => recordOptOut(base(), 'fax' as OptOutVia, T0)).message).toMatch(/^opt-out via: got "fax"/);
    expect(failure(() => recordOptIn(base(), 'qr', -5)).message).toMatch(/^opt-in time: got -5, expected epoch milliseconds/);
    expect(failure(() => sendEligibility(base(), Number.POSITIVE_INFINITY)).message).toMatch(/^send time: got Infinity/);
  });
});

describe('inbound texts', () => {
  it('should opt out at once on STOP in English or Arabic and keep what was said', () => {
    for (const text of ['STOP', ' إلغاء الاشتراك ', 'إيقاف 🙏']) {
      const { contact, optedOut } = applyInboundText(optedIn(T0), text, T0 + HOUR);
      expect(optedOut).toBe(true);
      expect(contact.optOut).toEqual({ at: T0 + HOUR, via: 'keyword', text: text.trim() });
      const e = sendEligibility(contact, T0 + HOUR);
      expect(e).toMatchObject({ ok: false, reason: 'opted-out' });
      expect(!e.ok && e.explanation).toContain(`replied "${text.trim()}" to opt out`);
    }
  });

  it('should change nothing for an ordinary message, which is not an opt-in either', () => {
    const contact = optedIn(T0);
    expect(applyInboundText(contact, "don't stop the offers!", T0 + 1)).toEqual({ contact, optedOut: false });
    expect(applyInboundText(contact, "don't stop the offers!", T0 + 1).contact).toBe(contact);
    expect(verdict(applyInboundText(base(), 'Hi, I am interested', T0).contact, T0)).toBe('no-opt-in');
  });
});

describe('suppression', () => {
  it('should map the Meta codes that call for it, and no others', () => {
    expect(suppressionForMetaCode(131026)).toBe('not-on-whatsapp');
    expect(suppressionForMetaCode(131050)).toBe('stopped-marketing');
    expect(suppressionForMetaCode(130403)).toBe('blocked');
    expect(suppressionForMetaCode('131026')).toBe('not-on-whatsapp');
    for (const code of [131049, 137000, 130429, 131047, 0, 'x', undefined, null]) expect(suppressionForMetaCode(code)).toBeUndefined();
  });

  it('should block whatever the consent, keep the first reason, and survive a new opt-in until lifted', () => {
    const suppressed = suppress(optedIn(T0), 'not-on-whatsapp', T0 + 1, 131026);
    expect(verdict(suppressed, T0 + 2)).toBe('suppressed');
    expect(suppress(suppressed, 'manual', T0 + 3)).toBe(suppressed);
    expect(verdict(recordOptIn(suppressed, 'qr', T0 + 4), T0 + 5)).toBe('suppressed');
    expect(verdict(liftSuppression(suppressed), T0 + 5)).toBe('ok');
    expect(liftSuppression(optedIn(T0))).toEqual(optedIn(T0));
  });

  it.each([
    ['not-on-whatsapp', 131026, /not on WhatsApp.*error 131026/],
    ['stopped-marketing', 131050, /turned off marketing messages.*error 131050/],
    ['blocked', 130403, /refused delivery.*error 130403/],
    ['manual', undefined, /suppressed this number by hand/],
  ] as const)('should explain a %s suppression in plain words', (reason, code, text) => {
    const e = sendEligibility(suppress(optedIn(T0), reason as SuppressionReason, T0, code), T0);
    expect(!e.ok && e.explanation).toMatch(text);
  });
});

describe('identity changes', () => {
  it('should block until acknowledged, and block again on a later change', () => {
    const changed = recordIdentityChange(optedIn(T0), T0 + HOUR);
    expect(verdict(changed, T0 + HOUR)).toBe('identity-unacknowledged');
    const acked = acknowledgeIdentity(changed, T0 + 2 * HOUR);
    expect(verdict(acked, T0 + 2 * HOUR)).toBe('ok');
    expect(verdict(recordIdentityChange(acked, T0 + DAY), T0 + DAY)).toBe('identity-unacknowledged');
  });

  it('should move the contact and its consent to a new number on acknowledgement', () => {
    const changed = recordIdentityChange(optedIn(T0), T0 + HOUR, '971501234567');
    const e = sendEligibility(changed, T0 + HOUR);
    expect(!e.ok && e.explanation).toContain('+971501234567');
    const moved = acknowledgeIdentity(changed, T0 + 2 * HOUR);
    expect(moved).toMatchObject({ msisdn: '+971501234567', waId: '971501234567', optIn: { source: 'web-form', at: T0 } });
    expect(moved.identity).toEqual({ changedAt: T0 + HOUR, acknowledgedAt: T0 + 2 * HOUR, newWaId: '971501234567', previousWaId: '966501234567' });
    expect(verdict(moved, T0 + 2 * HOUR)).toBe('ok');
  });

  it('should ignore an acknowledgement with nothing pending and an older change arriving late', () => {
    const contact = optedIn(T0);
    expect(acknowledgeIdentity(contact, T0)).toBe(contact);
    const changed = recordIdentityChange(contact, T0 + DAY);
    expect(recordIdentityChange(changed, T0)).toBe(changed);
  });

  it('should refuse an acknowledgement dated before the change, and a malformed new wa_id', () => {
    const changed = recordIdentityChange(optedIn(T0), T0 + HOUR);
    expect(failure(() => acknowledgeIdentity(changed, T0)).message).toMatch(/^identity acknowledgement: got a time .* before the change/);
    expect(failure(() => recordIdentityChange(optedIn(T0), T0, 'new number')).code).toBe('WA_INVALID_PHONE');
  });
});

describe('send eligibility when several things block', () => {
  it('should name the blocker the business can do least about first', () => {
    let c = recordIdentityChange(base(), T0);
    expect(verdict(c, T0)).toBe('no-opt-in');
    c = recordOptOut(c, 'keyword', T0, 'STOP');
    expect(verdict(c, T0)).toBe('opted-out');
    c = suppress(c, 'manual', T0);
    expect(verdict(c, T0)).toBe('suppressed');
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based: random histories against a model small enough to be obviously right.

interface Model {
  now: Instant;
  optInAt?: Instant;
  optOutAt?: Instant;
  suppressed: boolean;
  identityPending: boolean;
  pendingWaId?: string;
  waId: string;
}
interface Real { contact: Contact }

function expected(m: Model): 'ok' | IneligibleReason {
  if (m.suppressed) return 'suppressed';
  if (m.optOutAt !== undefined && !(m.optInAt !== undefined && m.optInAt > m.optOutAt)) return 'opted-out';
  if (m.optInAt === undefined) return 'no-opt-in';
  if (m.identityPending) return 'identity-unacknowledged';
  return 'ok';
}

function checkAgainstModel(m: Model, r: Real): void {
  const e = sendEligibility(r.contact, m.now);
  expect(e.ok ? 'ok' : e.reason).toBe(expected(m));
  expect(r.contact.waId).toBe(m.waId);
  if (!e.ok) {
    expect(e.explanation.length).toBeGreaterThan(20);
    return;
  }
  // The safety property, read off the record itself rather than the model.
  const { optIn, optOut, suppression, identity } = r.contact;
  expect(optIn !== undefined && optIn.at <= m.now).toBe(true);
  expect(optOut === undefined || optIn!.at > optOut.at).toBe(true);
  expect(suppression).toBeUndefined();
  expect(identity === undefined || identity.acknowledgedAt !== undefined).toBe(true);
}

type Cmd = fc.Command<Model, Real>;
abstract class Step implements Cmd {
  constructor(readonly dt: number) {}
  check(): boolean { return true; }
  run(m: Model, r: Real): void {
    m.now += this.dt;
    this.apply(m, r);
    checkAgainstModel(m, r);
  }
  abstract apply(m: Model, r: Real): void;
  abstract toString(): string;
}

class OptInCmd extends Step {
  constructor(dt: number, readonly source: OptInSource) { super(dt); }
  apply(m: Model, r: Real) { r.contact = recordOptIn(r.contact, this.source, m.now); m.optInAt = m.now; }
  toString() { return `+${this.dt} optIn(${this.source})`; }
}
class OptOutCmd extends Step {
  constructor(dt: number, readonly via: OptOutVia) { super(dt); }
  apply(m: Model, r: Real) { r.contact = recordOptOut(r.contact, this.via, m.now); m.optOutAt = m.now; }
  toString() { return `+${this.dt} optOut(${this.via})`; }
}
class InboundCmd extends Step {
  constructor(dt: number, readonly text: string, readonly isStop: boolean) { super(dt); }
  apply(m: Model, r: Real) {
    const result = applyInboundText(r.contact, this.text, m.now);
    expect(result.optedOut).toBe(this.isStop);
    r.contact = result.contact;
    if (this.isStop) m.optOutAt = m.now;
  }
  toString() { return `+${this.dt} inbound(${JSON.stringify(this.text)})`; }
}
class SuppressCmd extends Step {
  constructor(dt: number, readonly reason: SuppressionReason) { super(dt); }
  apply(m: Model, r: Real) { r.contact = suppress(r.contact, this.reason, m.now); m.suppressed = true; }
  toString() { return `+${this.dt} suppress(${this.reason})`; }
}
class MetaFailureCmd extends Step {
  constructor(dt: number, readonly code: number) { super(dt); }
  apply(m: Model, r: Real) {
    const reason = suppressionForMetaCode(this.code);
    if (reason) r.contact = suppress(r.contact, reason, m.now, this.code);
    if ([131026, 131050, 130403].includes(this.code)) m.suppressed = true;
  }
  toString() { return `+${this.dt} failed(${this.code})`; }
}
class LiftCmd extends Step {
  apply(m: Model, r: Real) { r.contact = liftSuppression(r.contact); m.suppressed = false; }
  toString() { return `+${this.dt} lift`; }
}
class IdentityCmd extends Step {
  constructor(dt: number, readonly newWaId: string | undefined) { super(dt); }
  apply(m: Model, r: Real) {
    r.contact = recordIdentityChange(r.contact, m.now, this.newWaId);
    m.identityPending = true;
    m.pendingWaId = this.newWaId;
  }
  toString() { return `+${this.dt} identityChanged(${this.newWaId ?? ''})`; }
}
class AckCmd extends Step {
  apply(m: Model, r: Real) {
    r.contact = acknowledgeIdentity(r.contact, m.now);
    if (m.identityPending && m.pendingWaId !== undefined) m.waId = m.pendingWaId;
    m.identityPending = false;
  }
  toString() { return `+${this.dt} acknowledge`; }
}

const STOPS = ['STOP', 'stop', 'Stop!', '  STOP  ', 'stop 🛑', 'please stop', 'Unsubscribe', 'opt-out', 'STOPALL', 'ＳＴＯＰ',
  'إيقاف', 'ايقاف', 'الغاء', 'إلغاء الاشتراك', 'إِلْغَاءُ الاشْتِرَاك', 'توقف', 'وقف', 'ايـــقاف'];
const ORDINARY = ['hi', 'Hello, is the offer still valid?', "don't stop", 'when does the sale stop?', 'stop by the shop',
  'شكرا', 'متى ينتهي العرض؟', 'لا توقف الرسائل', 'أريد إلغاء الطلب رقم 5', '👍', ''];
const dt = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * DAY }));

const commands = [
  fc.tuple(dt, fc.constantFrom(...OPT_IN_SOURCES)).map(([d, s]) => new OptInCmd(d, s)),
  fc.tuple(dt, fc.constantFrom(...OPT_OUT_VIAS)).map(([d, v]) => new OptOutCmd(d, v)),
  fc.tuple(dt, fc.constantFrom(...STOPS)).map(([d, t]) => new InboundCmd(d, t, true)),
  fc.tuple(dt, fc.constantFrom(...ORDINARY)).map(([d, t]) => new InboundCmd(d, t, false)),
  fc.tuple(dt, fc.constantFrom(...SUPPRESSION_REASONS)).map(([d, s]) => new SuppressCmd(d, s)),
  fc.tuple(dt, fc.constantFrom(131026, 131050, 130403, 131049, 130429, 137000)).map(([d, c]) => new MetaFailureCmd(d, c)),
  dt.map((d) => new LiftCmd(d)),
  fc.tuple(dt, fc.option(fc.constantFrom('971501234567', '201012345678', '447911123456'), { nil: undefined })).map(([d, w]) => new IdentityCmd(d, w)),
  dt.map((d) => new AckCmd(d)),
];

describe('send eligibility over random contact histories (model-based)', () => {
  it('should agree with the model and never allow a send without opt-in, after an opt-out, while suppressed or with an unacknowledged identity', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        const setup = () => ({
          model: { now: T0, suppressed: false, identityPending: false, waId: '966501234567' } as Model,
          real: { contact: base() },
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 250 },
    );
  });
});
