/**
 * The campaigns, as the bot (and the Slack front end) drives them: create from a template, an
 * audience and campaign numbers under a pacing plan; start, pause, resume, stop; list and report;
 * and feed webhooks to the right running campaign. Each running campaign is a core CampaignRunner
 * driven on the wall clock over the store; a restarted process resumes every campaign that was
 * running (or paused) from its journal: sends in flight when it stopped become "maybe sent" and are
 * reconciled by their status webhooks or reported unknown, never sent again.
 *
 * Expected outcomes (an unknown id, a button pressed twice, a missing audience) are values; every
 * change of state is in the audit log with who did it.
 */
import { isTerminal, transition, type Campaign, type CampaignCommand, type CampaignStatus } from '../../core/campaign.ts';
import type { CampaignLedger } from '../../core/campaign-ledger.ts';
import { getPolicy, type PolicyName } from '../../core/policy.ts';
import type { RunnerOptions } from '../../core/runner-options.ts';
import type { MessageSender, Notifier } from '../../core/runner-ports.ts';
import type { WebhookEvent } from '../../core/webhook-event.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { attach, loadLedger, type Attached, type AttachContext } from './campaign-attach.ts';
import { AuditedCampaigns } from './campaign-ports.ts';
import { campaignReport, type CampaignReport } from './campaign-report.ts';
import { fail, newCampaign, type CreateCampaignSpec, type Outcome } from './campaign-create.ts';
import { CampaignRuns } from './campaign-run.ts';
import { LimitBooks } from './limit-books.ts';
import { WallClock } from './wall-clock.ts';
import { WebhookDispatch } from './webhook-dispatch.ts';

export type { CreateCampaignSpec, Outcome, ServiceProblem } from './campaign-create.ts';

export interface CampaignServiceOptions {
  readonly store: Store;
  /** The Cloud API (a GraphMessageSender), or any MessageSender. */
  readonly sender: MessageSender;
  /** Alerts and routed replies (Slack); the audit log is kept whatever it does. */
  readonly notifier: Notifier;
  /** Default: real time. A time-lapse clock runs plans faster (against a sandbox at the same scale). */
  readonly clock?: WallClock;
  /** The messaging-limit rules in force (default core's current one, meta-2025-10). */
  readonly policy?: PolicyName;
  /** Runner settings for every campaign; a campaign's own settings win. */
  readonly runnerOptions?: Partial<RunnerOptions>;
  /** Requests in flight at once per campaign (default 64). */
  readonly concurrency?: number;
  readonly logger?: Logger;
}

export class CampaignService {
  readonly clock: WallClock;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #runs: CampaignRuns;
  readonly #audited: AuditedCampaigns;
  readonly #actors = new Map<string, string>();
  readonly #attached = new Map<string, Attached>();
  readonly #starting = new Set<string>();
  readonly #ctx: AttachContext;
  readonly #webhooks: WebhookDispatch;
  #closed = false;

  private constructor(options: CampaignServiceOptions) {
    this.#store = options.store;
    this.#log = options.logger ?? silentLogger();
    this.clock = options.clock ?? new WallClock();
    this.#runs = new CampaignRuns(options.store.dataDir);
    this.#audited = new AuditedCampaigns(options.store, (id) => this.#actors.get(id));
    this.#ctx = {
      store: options.store, sender: options.sender, notifier: options.notifier, campaigns: this.#audited,
      books: new LimitBooks(getPolicy(options.policy)), runnerOptions: options.runnerOptions ?? {}, concurrency: options.concurrency ?? 64,
    };
    this.#webhooks = new WebhookDispatch(options.store, options.notifier, this.#log, this.#attached, () => this.clock.now());
  }

  /** Open the service and resume every campaign that was running or paused when the process stopped. */
  static async open(options: CampaignServiceOptions): Promise<CampaignService> {
    const service = new CampaignService(options);
    await service.#webhooks.init();
    await service.#resumeAll();
    return service;
  }

  async create(spec: CreateCampaignSpec, by: string): Promise<Outcome<Campaign>> {
    const made = await newCampaign(this.#store, spec, this.clock.now());
    if (!made.ok) return made;
    const { campaign, run } = made.value;
    await this.#runs.save(run);
    await this.#audited.saveCampaign(campaign);
    await this.#store.audit.append({
      at: campaign.createdAt, who: by, what: 'campaign-created',
      details: { campaignId: campaign.id, template: `${campaign.template.name}/${campaign.template.language}`, audience: campaign.audience, numbers: [...campaign.from], plan: campaign.plan },
    });
    return { ok: true, value: campaign };
  }

  /** Snapshot the audience and start sending. */
  async start(id: string, by: string): Promise<Outcome<Campaign>> {
    // Two starts at once (a button pressed twice) must not put two runners on one campaign.
    if (this.#starting.has(id) || this.#attached.has(id)) return fail('illegal-transition', `campaign ${id}: already started`);
    this.#starting.add(id);
    try {
      return await this.#start(id, by);
    } finally {
      this.#starting.delete(id);
    }
  }

  async #start(id: string, by: string): Promise<Outcome<Campaign>> {
    const campaign = await this.#store.campaigns.get(id);
    if (!campaign) return fail('not-found', `campaign ${id}: no such campaign`);
    const t = transition(campaign, { kind: 'start' }, Math.max(this.clock.now(), lastChange(campaign)));
    if (!t.ok) return fail('illegal-transition', t.error.message);
    const run = await this.#runs.get(id);
    const audience = await this.#store.audiences.get(campaign.audience);
    if (!run || !audience) return fail('invalid', `campaign ${id}: its ${run ? `audience "${campaign.audience}"` : 'settings'} can no longer be found`);
    const template = await this.#store.templates.get(campaign.template.name, campaign.template.language);
    if (template && template.status !== 'APPROVED') return fail('invalid', `template ${template.name} is ${template.status}: only an approved template can be sent`);
    await this.#runs.save({ ...run, recipients: audience.waIds });
    this.#actors.set(id, by);
    try {
      await this.#audited.saveCampaign(t.campaign);
    } finally {
      this.#actors.delete(id);
    }
    this.#drive(await attach(this.#ctx, t.campaign, { ...run, recipients: audience.waIds }, this.clock.view()));
    return { ok: true, value: t.campaign };
  }

  pause(id: string, by: string, detail = 'paused by hand'): Promise<Outcome<Campaign>> {
    return this.#act(id, { kind: 'pause', reason: 'manual', detail: `${detail} (by ${by})` }, by, (a) => a.driver.pause(detail, by));
  }

  /** Resuming is a human decision: the pause's reason was seen and judged. */
  resume(id: string, by: string): Promise<Outcome<Campaign>> {
    return this.#act(id, { kind: 'resume', by }, by, (a) => a.driver.resume(by));
  }

  stop(id: string, by: string, reason: string): Promise<Outcome<Campaign>> {
    return this.#act(id, { kind: 'stop', by, reason }, by, (a) => a.driver.stop(by, reason));
  }

  get(id: string): Promise<Campaign | undefined> {
    return this.#store.campaigns.get(id);
  }

  list(filter: { readonly status?: CampaignStatus } = {}): Promise<Campaign[]> {
    return this.#store.campaigns.list(filter);
  }

  async status(id: string): Promise<Outcome<CampaignReport>> {
    const a = this.#attached.get(id);
    const campaign = a?.runner.campaign ?? (await this.#store.campaigns.get(id));
    if (!campaign) return fail('not-found', `campaign ${id}: no such campaign`);
    const ledger = a?.ledger ?? (await loadLedger(this.#store, id));
    const audience = a?.audience ?? (await this.#runs.get(id))?.recipients?.length ?? 0;
    return { ok: true, value: campaignReport(campaign, ledger, audience) };
  }

  /** A webhook event from the inbox; resolves once what it changed is durable. */
  handleWebhookEvent(event: WebhookEvent): Promise<void> {
    return this.#webhooks.handle(event);
  }

  /** Resolves when the campaign's run ends (undefined if it is not running here). */
  async whenDone(id: string): Promise<Campaign | undefined> {
    return this.#attached.get(id)?.driver.done;
  }

  /** Stop driving (campaigns stay as their rows say) and wait for what is in flight. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const a of this.#attached.values()) a.driver.halt();
    await Promise.allSettled([...this.#attached.values()].map((a) => a.driver.done));
    await this.#store.numbers.saveHolders(this.#ctx.books.snapshots(this.clock.now())).catch(() => undefined);
  }

  async #act(id: string, command: CampaignCommand, by: string, run: (a: Attached) => Promise<void>): Promise<Outcome<Campaign>> {
    const a = this.#attached.get(id);
    const stored = a?.runner.campaign ?? (await this.#store.campaigns.get(id));
    if (!stored) return fail('not-found', `campaign ${id}: no such campaign`);
    const t = transition(stored, command, Math.max(this.clock.now(), lastChange(stored)));
    if (!t.ok) return fail('illegal-transition', t.error.message);
    if (!a || a.ended) {
      // Not driven here (a draft stopped before it started): the record changes alone.
      this.#actors.set(id, by);
      await this.#audited.saveCampaign(t.campaign).finally(() => this.#actors.delete(id));
      return { ok: true, value: t.campaign };
    }
    this.#actors.set(id, by);
    try {
      await run(a);
    } finally {
      this.#actors.delete(id);
    }
    return { ok: true, value: a.runner.campaign };
  }

  #drive(a: Attached): void {
    this.#attached.set(a.id, a);
    a.driver.done.then((campaign) => {
      a.ended = true;
      a.clock.release();
      this.#log.info({ campaignId: a.id, status: campaign.status }, 'campaign run ended');
    }, (error: unknown) => {
      a.ended = true;
      a.clock.release();
      this.#log.error({ err: error, campaignId: a.id }, 'campaign run failed: it stays as its rows say; restart to resume');
    });
  }

  /** At start-up: the limit books first (every send of the last window), then each campaign. */
  async #resumeAll(): Promise<void> {
    const store = this.#store;
    const now = this.clock.now();
    const window = this.#ctx.books.policy.window;
    const all = await store.campaigns.list();
    for (const c of all) this.#audited.known(c);
    const live = all.filter((c) => c.status === 'running' || c.status === 'paused');
    const recent = all.filter((c) => isTerminal(c.status) && (c.endedAt ?? 0) > now - window);
    this.#ctx.books.ensure(await store.numbers.list(), await store.numbers.listHolders(), now - window);
    const ledgers = new Map<string, CampaignLedger>();
    for (const c of [...live, ...recent]) ledgers.set(c.id, await loadLedger(store, c.id));
    this.#ctx.books.replay([...live, ...recent].flatMap((c) => ledgers.get(c.id)!.entries(c.id).map((entry) => ({ entry, numbers: c.from }))), now);
    for (const c of live) {
      const run = await this.#runs.get(c.id);
      if (!run) {
        this.#log.error({ campaignId: c.id }, 'campaign settings missing: cannot resume it');
        continue;
      }
      this.#drive(await attach(this.#ctx, c, run, this.clock.view(), ledgers.get(c.id)));
      await store.audit.append({ at: now, who: 'runner', what: 'campaign-recovered', details: { campaignId: c.id, status: c.status } });
    }
  }
}

function lastChange(c: Campaign): number {
  return c.history.length ? c.history[c.history.length - 1]!.at : c.createdAt;
}
