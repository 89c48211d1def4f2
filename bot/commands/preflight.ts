/**
 * The arithmetic of a campaign preview: who may be messaged (and why the others may not), and how
 * many days the plan needs under the limits in force now. Upgrades are left out on purpose: they
 * are earned, not promised, so the answer is the one to plan on.
 */
import { sendEligibility, type IneligibleReason, type OptInSource } from '../../core/contact.ts';
import { plannedBy, type PlanSchedule } from '../../core/pacing-plan.ts';
import { DAY, type Instant } from '../../core/time.ts';
import type { Audience, Store } from '../store/store.ts';
import type { NumberUsage } from './ports.ts';

export type SkipCause = IneligibleReason | 'no-record' | 'duplicate';

export interface Eligibility {
  readonly audience: number;
  readonly eligible: number;
  readonly skipped: Readonly<Partial<Record<SkipCause, number>>>;
  /** How the eligible contacts opted in, as the simulator's segments describe it. */
  readonly optIn: 'explicit' | 'implied' | 'none';
}

export const SKIP_LABELS: Readonly<Record<SkipCause, string>> = {
  'no-opt-in': 'no opt-in on record',
  'opted-out': 'opted out',
  'suppressed': 'suppressed (not on WhatsApp, stopped marketing, blocked)',
  'identity-unacknowledged': 'changed identity, not acknowledged (`/wa contact ack`)',
  'no-record': 'not in the contact registry',
  'duplicate': 'listed twice',
};

/** Opt-ins a person gave knowingly; an imported list without a source is read as implied consent. */
const EXPLICIT: ReadonlySet<OptInSource> = new Set(['web-form', 'ivr', 'ad', 'link', 'qr', 'thread']);

export async function checkEligibility(store: Store, audience: Audience, at: Instant): Promise<Eligibility> {
  const contacts = await store.contacts.getMany(audience.waIds);
  const skipped: Partial<Record<SkipCause, number>> = {};
  const seen = new Set<string>();
  let eligible = 0;
  let explicit = 0;
  for (const waId of audience.waIds) {
    const contact = contacts.get(waId);
    const cause: SkipCause | undefined = seen.has(waId) ? 'duplicate' : !contact ? 'no-record' : (() => {
      const e = sendEligibility(contact, at);
      return e.ok ? undefined : e.reason;
    })();
    seen.add(waId);
    if (cause) skipped[cause] = (skipped[cause] ?? 0) + 1;
    else {
      eligible += 1;
      if (contact?.optIn && EXPLICIT.has(contact.optIn.source)) explicit += 1;
    }
  }
  return { audience: audience.waIds.length, eligible, skipped, optIn: eligible === 0 ? 'none' : explicit * 2 >= eligible ? 'explicit' : 'implied' };
}

/** Days until the plan has sent to every recipient, with today's room and the current limits; Infinity past a year. */
export function daysNeeded(recipients: number, numbers: readonly NumberUsage[], schedule: PlanSchedule): number {
  if (recipients <= 0) return 0;
  const holders = new Map<string, NumberUsage>();
  for (const u of numbers) if (u.number.role === 'campaign' || numbers.length === 1) holders.set(u.holderId, u);
  const limit = [...holders.values()].reduce((n, u) => n + u.limit, 0);
  const today = [...holders.values()].reduce((n, u) => n + Math.max(0, u.limit - u.used), 0);
  if (limit === 0) return Number.POSITIVE_INFINITY;
  let left = recipients;
  for (let day = 0; day < 366; day++) {
    const by = plannedBy(schedule, (day + 1) * DAY - 1);
    const wanted = by === Number.POSITIVE_INFINITY ? by : by - plannedBy(schedule, day * DAY - 1);
    left -= Math.min(day === 0 ? today : limit, wanted, left);
    if (left <= 0) return day + 1;
  }
  return Number.POSITIVE_INFINITY;
}
