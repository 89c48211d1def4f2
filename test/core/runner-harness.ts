/**
 * A synchronous harness for the campaign runner: a fake platform answers each send at once (by a
 * rule the test gives), the clock jumps to the runner's next wake-up, and every write is kept as a
 * store would keep it. Deterministic: no timers, no promises.
 */
import {
  CampaignLedger, CampaignRunner, LimitHolder, applyCampaignTransition, classifyMetaError, createCampaign, createContact, createPhoneNumber,
  getPolicy, type Contact, type Effects, type LedgerEntry, type Notice, type PlanSchedule, type PolicyName, type RunnerOptions, type RunnerSignal,
  type SendRequest, type SendResult, type TierName, type ContactUpdate,
} from '../../core/index.ts';

export const T0 = Date.UTC(2026, 0, 5, 8);

export interface HarnessOptions {
  readonly recipients: number;
  readonly schedule: PlanSchedule;
  readonly policy?: PolicyName;
  readonly tier?: TierName;
  readonly numbers?: number;
  readonly contact?: (i: number, waId: string) => Contact | undefined;
  readonly answer?: (req: SendRequest, n: number) => SendResult;
  readonly options?: Partial<RunnerOptions>;
  readonly messageKeys?: readonly string[];
}

export const waIdOf = (i: number) => `9665${String(10_000_000 + i).padStart(8, '0')}`;

export function optedIn(waId: string): Contact {
  return createContact({ msisdn: `+${waId}`, optIn: { source: 'web-form', at: T0 - 86_400_000 } });
}

export class Harness {
  readonly ledger = new CampaignLedger();
  readonly runner: CampaignRunner;
  readonly holders = new Map<string, LimitHolder>();
  readonly sends: { at: number; req: SendRequest }[] = [];
  readonly notices: Notice[] = [];
  readonly contactUpdates: ContactUpdate[] = [];
  readonly stored = new Map<string, LedgerEntry>();
  now = T0;
  private n = 0;

  constructor(readonly opts: HarnessOptions) {
    const policy = getPolicy(opts.policy ?? 'meta-2023');
    const numbers = Array.from({ length: opts.numbers ?? 1 }, (_, i) => createPhoneNumber({ id: `n${i + 1}`, role: 'campaign', tier: opts.tier ?? 'TIER_1K', quality: 'HIGH' }));
    for (const num of numbers) this.holders.set(policy.scope === 'number' ? num.id : 'portfolio', new LimitHolder(policy, { holderId: num.id, at: T0 - 1, tier: num.tier, quality: 'HIGH' }));
    let campaign = createCampaign({ id: 'c1', name: 'Spring sale', template: { name: 'order_update', language: 'en_US' }, audience: 'all', from: numbers.map((x) => x.id), plan: 'p', createdAt: T0 - 1 });
    campaign = applyCampaignTransition(campaign, { kind: 'start' }, T0).campaign;
    const recipients = Array.from({ length: opts.recipients }, (_, i) => {
      const waId = waIdOf(i);
      return { waId, contact: opts.contact ? opts.contact(i, waId) : optedIn(waId) };
    });
    this.runner = new CampaignRunner({
      campaign, schedule: opts.schedule, numbers, holders: this.holders, holderOf: (id) => (policy.scope === 'number' ? id : 'portfolio'),
      recipients, message: (waId) => ({ name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: waId }] }] }),
      ledger: this.ledger, ...(opts.messageKeys ? { messageKeys: opts.messageKeys } : {}), ...(opts.options ? { options: opts.options } : {}),
    });
  }

  /** Carry out effects as the driver would: store first, then sends (answered at once). */
  apply(fx: Effects): void {
    for (const w of fx.writes) this.stored.set(JSON.stringify(w.key), w);
    this.notices.push(...fx.notices);
    this.contactUpdates.push(...fx.contactUpdates);
    for (const req of fx.sends) {
      this.sends.push({ at: this.now, req });
      const answer = this.opts.answer ? this.opts.answer(req, this.n++) : ({ kind: 'accepted', wamid: `wamid.${req.sendId}`, held: false } as const);
      this.apply(this.runner.onResult(req.sendId, answer, this.now));
    }
  }

  signal(s: RunnerSignal): void {
    this.apply(this.runner.onSignal(s, this.now));
  }

  /** Step the runner until it has nothing to do before `until` (or ends). Returns steps taken. */
  runUntil(until: number, maxSteps = 1_000_000): number {
    let steps = 0;
    while (steps++ < maxSteps && !this.runner.finished && this.now <= until) {
      const fx = this.runner.next(this.now);
      this.apply(fx);
      if (fx.wakeAt === undefined || fx.wakeAt > until) break;
      this.now = Math.max(this.now, fx.wakeAt);
    }
    return steps;
  }

}

/** Meta's answer with this error code, classified as the client would. */
export function rejected(code: number): SendResult {
  return { kind: 'rejected', code, info: classifyMetaError(code) };
}
