/**
 * Sends world events to the configured webhook URL the way Meta does: batched (up to 1,000 updates
 * per POST), signed (`X-Hub-Signature-256`: HMAC-SHA256 of the exact body bytes with the app
 * secret), and retried on anything but a 2xx. Meta retries for up to 7 days with decreasing
 * frequency; the sandbox retries with exponential backoff a bounded number of times.
 * Fault rules can deliver a body twice or hold one back so later ones overtake it.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
 */
import { SIGNATURE_HEADER, signWebhookBody } from '../../lib/webhook-signature.ts';
import type { Faults } from './faults.ts';
import { webhookBody, type NumberIdentity } from './webhook-payloads.ts';
import type { WorldEvent } from './world.ts';

export interface WebhookRetry {
  /** Real ms before the first retry; each next one waits `factor` times longer. */
  readonly baseMs: number;
  readonly factor: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
}

export interface DispatcherOptions {
  readonly url: string | undefined;
  readonly appSecret: string;
  readonly wabaId: string;
  readonly numbers: ReadonlyMap<string, NumberIdentity>;
  /** Real ms events wait for company before a delivery goes out. */
  readonly batchMs: number;
  readonly retry: WebhookRetry;
  /** Real ms before an attempt is abandoned (and retried). */
  readonly timeoutMs: number;
  readonly faults: Faults;
  readonly log?: (line: string) => void;
}

export interface DispatcherStats {
  events: number;
  deliveries: number;
  attempts: number;
  delivered: number;
  failedAttempts: number;
  dropped: number;
  duplicated: number;
  heldBack: number;
}

/** Meta batches up to 1,000 updates in one delivery.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview */
const MAX_BATCH = 1000;

export class WebhookDispatcher {
  readonly stats: DispatcherStats = { events: 0, deliveries: 0, attempts: 0, delivered: 0, failedAttempts: 0, dropped: 0, duplicated: 0, heldBack: 0 };
  private pending: WorldEvent[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<AbortController>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private url: string | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.url = options.url;
  }

  get webhookUrl(): string | undefined {
    return this.url;
  }

  setUrl(url: string | undefined): void {
    this.url = url;
  }

  enqueue(event: WorldEvent): void {
    if (this.closed) return;
    this.stats.events++;
    if (this.url === undefined) return;
    this.pending.push(event);
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.batchTimer ??= setTimeout(() => this.flush(), this.options.batchMs);
  }

  /** Send what is batched now. */
  flush(): void {
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    while (this.pending.length > 0 && this.url !== undefined) {
      const events = this.pending.splice(0, MAX_BATCH);
      const bytes = Buffer.from(JSON.stringify(webhookBody(this.options.wabaId, events, this.options.numbers)), 'utf8');
      const ordinal = ++this.stats.deliveries;
      const fault = this.options.faults.forDelivery(ordinal);
      const go = () => {
        this.attempt(bytes, 1);
        if (fault.duplicateGapMs !== undefined) {
          this.stats.duplicated++;
          this.later(fault.duplicateGapMs, () => this.attempt(bytes, 1));
        }
      };
      if (fault.delayMs !== undefined) {
        this.stats.heldBack++;
        this.later(fault.delayMs, go);
      } else go();
    }
    this.settle();
  }

  /** Resolves once nothing is batched, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inFlight) c.abort();
    this.pending = [];
    this.settle();
  }

  private isIdle(): boolean {
    return this.closed || (this.pending.length === 0 && this.batchTimer === undefined && this.timers.size === 0 && this.inFlight.size === 0);
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      this.settle();
    }, ms);
    this.timers.add(t);
  }

  private attempt(bytes: Buffer, attempt: number): void {
    const url = this.url;
    if (this.closed || url === undefined) return;
    this.stats.attempts++;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhookBody(this.options.appSecret, bytes), 'user-agent': 'facebookexternalua' };
    fetch(url, { method: 'POST', headers, body: bytes, signal: controller.signal })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        return res.status;
      }, (error: unknown) => (error instanceof Error ? error.message : String(error)))
      .then((outcome) => {
        clearTimeout(timeout);
        this.inFlight.delete(controller);
        if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) this.stats.delivered++;
        else this.retry(bytes, attempt, outcome);
        this.settle();
      });
  }

  private retry(bytes: Buffer, attempt: number, outcome: number | string): void {
    if (this.closed) return;
    this.stats.failedAttempts++;
    const { baseMs, factor, maxAttempts } = this.options.retry;
    if (attempt >= maxAttempts) {
      this.stats.dropped++;
      this.options.log?.(`webhook: gave up after ${attempt} attempts (last: ${outcome})`);
      return;
    }
    this.later(baseMs * factor ** (attempt - 1), () => this.attempt(bytes, attempt + 1));
  }
}
