/**
 * The command layer's `CampaignOps` on the campaign service: a start is the service's create then
 * start, with the template's parameters taken from the contact list; `--at` marks the campaign
 * scheduled in the store and starts it when the time comes (re-armed after a restart). Number
 * usage is read from limit books rebuilt from the store the same way the service rebuilds its own
 * at start-up.
 */
import { transition, type Campaign } from '../../core/campaign.ts';
import type { PlanSchedule } from '../../core/pacing-plan.ts';
import { getPolicy, type PolicyName } from '../../core/policy.ts';
import { formatDayTime } from '../../core/time.ts';
import type { LedgerSummary } from '../../core/campaign-ledger.ts';
import { isTerminal } from '../../core/campaign.ts';
import { LimitBooks } from '../campaigns/limit-books.ts';
import type { CampaignService, Outcome } from '../campaigns/campaign-service.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_PLANS } from '../commands/plans.ts';
import type { CampaignOps, NumberUsage, OpResult, PlanInfo, StartRequest } from '../commands/ports.ts';
import { templateComponents } from '../commands/template-components.ts';

/** The service reads a schedule as written in a file or a form: durations as text. */
export function looseSchedule(s: PlanSchedule): unknown {
  switch (s.kind) {
    case 'burst': return { kind: 'burst' };
    case 'ramp': return { kind: 'ramp', start: s.start, growth: s.growth, cap: s.cap, step: `${s.step}ms` };
    case 'script': return { kind: 'script', sends: s.sends.map((e) => ({ at: formatDayTime(e.at), count: e.count, over: `${e.over}ms` })) };
  }
}

const result = (o: Outcome<Campaign>): OpResult => (o.ok ? { ok: true, campaign: o.value } : { ok: false, message: o.message });

export class ServiceCampaignOps implements CampaignOps {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #log: Logger;

  constructor(
    private readonly service: CampaignService,
    private readonly store: Store,
    private readonly policy: PolicyName,
    private readonly planList: readonly PlanInfo[] = DEFAULT_PLANS,
    logger?: Logger,
  ) {
    this.#log = logger ?? silentLogger();
  }

  /** Arm the campaigns a previous run scheduled. */
  async init(): Promise<void> {
    for (const c of await this.store.campaigns.list({ status: 'scheduled' })) if (c.scheduledAt !== undefined) this.#arm(c.id, c.scheduledAt, 'scheduler');
  }

  plans(): readonly PlanInfo[] {
    return this.planList;
  }

  async numbers(): Promise<readonly NumberUsage[]> {
    const now = this.service.clock.now();
    const books = new LimitBooks(getPolicy(this.policy));
    const numbers = await this.store.numbers.list();
    books.ensure(numbers, await this.store.numbers.listHolders(), now - books.policy.window);
    const campaigns = (await this.store.campaigns.list()).filter((c) => !isTerminal(c.status) || (c.endedAt ?? 0) > now - books.policy.window);
    const rows = [];
    for (const c of campaigns) for (const entry of await this.store.ledger.load(c.id)) rows.push({ entry, numbers: c.from });
    books.replay(rows, now);
    return numbers.map((number) => {
      const holderId = books.holderOf(number.id);
      const h = books.holders.get(holderId)!;
      h.advance(now);
      const used = h.used(now);
      const next = used >= h.limit ? h.nextRoomAt(now) : undefined;
      const pending = h.state.pendingUpgrade;
      return { number, holderId, limit: h.limit, used, ...(next !== undefined && { nextRoomAt: next }), ...(pending && { pendingUpgrade: { tier: pending.to, at: pending.at } }) };
    });
  }

  async start(request: StartRequest, by: string): Promise<OpResult> {
    const plan = this.planList.find((p) => p.name === request.plan);
    if (!plan) return { ok: false, message: `no plan ${request.plan}` };
    const def = await this.store.templates.get(request.template.name, request.template.language);
    if (!def) return { ok: false, message: `template ${request.template.name} (${request.template.language}) is no longer in the catalog` };
    const audience = await this.store.audiences.get(request.audience);
    const sample = await this.store.contacts.getMany(audience?.waIds.slice(0, 200) ?? []);
    const parts = templateComponents(def, new Set([...sample.values()].flatMap((c) => Object.keys(c.attributes ?? {}))));
    if (!parts.ok) return { ok: false, message: parts.problem };
    const created = await this.service.create({
      name: request.name, template: request.template, audience: request.audience, numbers: request.from,
      plan: { name: plan.name, schedule: looseSchedule(plan.schedule) }, ...(parts.components.length > 0 && { components: parts.components }),
    }, by);
    if (!created.ok) return result(created);
    if (request.at === undefined) return result(await this.service.start(created.value.id, by));
    const scheduled = transition(created.value, { kind: 'schedule', at: request.at }, this.service.clock.now());
    if (!scheduled.ok) return { ok: false, message: scheduled.error.message };
    await this.store.campaigns.saveCampaign(scheduled.campaign);
    this.#arm(scheduled.campaign.id, request.at, by);
    return { ok: true, campaign: scheduled.campaign };
  }

  async pause(id: string, by: string, detail: string): Promise<OpResult> {
    return result(await this.service.pause(id, by, detail));
  }

  async resume(id: string, by: string): Promise<OpResult> {
    return result(await this.service.resume(id, by));
  }

  async stop(id: string, by: string, reason: string): Promise<OpResult> {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    return result(await this.service.stop(id, by, reason));
  }

  async progress(id: string): Promise<{ audience?: number; ledger?: LedgerSummary }> {
    const status = await this.service.status(id);
    return status.ok && status.value.audience > 0 ? { audience: status.value.audience } : {};
  }

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #arm(id: string, at: number, by: string): void {
    clearTimeout(this.#timers.get(id));
    const delay = Math.min(2_147_483_647, Math.max(0, this.service.clock.realDelay(at)));
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      if (this.service.clock.now() < at) return this.#arm(id, at, by);
      this.service.start(id, by).then((o) => {
        if (!o.ok) this.#log.warn({ campaignId: id, problem: o.message }, 'scheduled campaign did not start');
      }, (error: unknown) => this.#log.error({ err: error, campaignId: id }, 'scheduled campaign failed to start'));
    }, delay);
    timer.unref?.();
    this.#timers.set(id, timer);
  }
}
