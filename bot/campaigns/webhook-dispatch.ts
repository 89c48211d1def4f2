/**
 * Carries out what `routeWebhookEvent` decided: signals to the runners (a campaign whose run has
 * ended here still takes its late statuses; one that ended before this process started has them
 * applied to its journal directly, so a failure reported hours later is not lost), store changes,
 * and alerts. Resolves once everything is durable: only then may the inbox move past the event.
 */
import { CampaignLedger } from '../../core/campaign-ledger.ts';
import type { Notifier } from '../../core/runner-ports.ts';
import type { RunnerSignal } from '../../core/runner-signal.ts';
import type { Instant } from '../../core/time.ts';
import type { WebhookEvent } from '../../core/webhook-event.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { Attached } from './campaign-attach.ts';
import { applyStoreChanges } from './webhook-effects.ts';
import { routeWebhookEvent, type RoutingContext } from './webhook-routing.ts';

/** Ended campaigns whose journal is kept in memory for late statuses (each costs its rows). */
const LATE_LEDGERS = 2;

export class WebhookDispatch {
  #numbers = new Map<string, string>();
  #campaignNumbers = new Set<string>();
  readonly #late = new Map<string, Promise<CampaignLedger | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly attached: ReadonlyMap<string, Attached>,
    private readonly now: () => Instant,
  ) {}

  /** Read the numbers (quality and account webhooks name them by display only). */
  init(): Promise<void> {
    return this.#loadNumbers();
  }

  /**
   * The event reaches its runners before this returns (the inbox hands a delivery's events over
   * in order without waiting, so their writes share one fsync); the promise says when it is durable.
   */
  handle(event: WebhookEvent): Promise<void> {
    const display = event.kind === 'number-quality' ? event.displayPhoneNumber : event.kind === 'account-update' ? event.phoneNumber : event.kind === 'message' ? event.phoneNumberId : undefined;
    if (display !== undefined && !this.#numbers.has(display.replace(/\D/g, ''))) {
      // A number added since the last read: read the records again (these webhooks are rare).
      return this.#loadNumbers().then(() => this.#carryOut(event));
    }
    return this.#carryOut(event);
  }

  async #carryOut(event: WebhookEvent): Promise<void> {
    const routed = routeWebhookEvent(event, this.#context());
    if (routed.unrouted !== undefined) this.log.debug({ kind: event.kind, why: routed.unrouted }, 'webhook event not routed to a campaign');
    const signals = routed.signals.map(({ campaignId, signal }) => this.#signal(campaignId, signal));
    await Promise.all(signals);
    await applyStoreChanges(this.store, routed, this.now());
    for (const n of routed.notices) await this.notifier.notify(n);
  }

  #context(): RoutingContext {
    const active = [...this.attached.values()]
      .filter((a) => !a.ended && (a.runner.campaign.status === 'running' || a.runner.campaign.status === 'paused'))
      .map((a) => ({ id: a.id, numbers: a.numbers }));
    return {
      active,
      numberByDisplay: (digits) => this.#numbers.get(digits),
      isCampaignNumber: (id) => this.#campaignNumbers.has(id),
      campaignOfWamid: (wamid) => {
        for (const a of this.attached.values()) if (a.ledger.findByWamid(wamid)) return a.id;
        return undefined;
      },
    };
  }

  async #loadNumbers(): Promise<void> {
    const map = new Map<string, string>();
    const campaign = new Set<string>();
    for (const n of await this.store.numbers.list()) {
      map.set(n.display.replace(/\D/g, ''), n.id);
      map.set(n.id, n.id);
      if (n.role === 'campaign') campaign.add(n.id);
    }
    this.#numbers = map;
    this.#campaignNumbers = campaign;
  }

  #signal(campaignId: string, signal: RunnerSignal): Promise<void> {
    const a = this.attached.get(campaignId);
    if (a) return a.driver.signal(signal);
    return signal.kind === 'status' ? this.#lateStatus(campaignId, signal) : Promise.resolve();
  }

  async #lateStatus(campaignId: string, signal: Extract<RunnerSignal, { kind: 'status' }>): Promise<void> {
    const ledger = await this.#lateLedger(campaignId);
    if (!ledger) return void this.log.debug({ campaignId, sendId: signal.sendId }, 'status for a campaign this store does not hold');
    const outcome = ledger.applyStatus({
      status: signal.status, at: signal.at, ...(signal.wamid !== undefined ? { wamid: signal.wamid } : {}),
      ...(signal.sendId !== undefined ? { sendId: signal.sendId } : {}), ...(signal.errors ? { errors: signal.errors } : {}),
    });
    if (outcome.kind === 'applied' && outcome.changed) await this.store.ledger.write([outcome.entry]);
  }

  #lateLedger(campaignId: string): Promise<CampaignLedger | undefined> {
    let found = this.#late.get(campaignId);
    if (!found) {
      found = this.store.campaigns.get(campaignId).then(async (c) => (c ? CampaignLedger.fromEntries(await this.store.ledger.load(campaignId)) : undefined));
      this.#late.set(campaignId, found);
      if (this.#late.size > LATE_LEDGERS) this.#late.delete(this.#late.keys().next().value!);
    }
    return found;
  }
}
