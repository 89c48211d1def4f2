/**
 * A campaign worker against a sandbox, as the bot runs one: the store in a data directory, the
 * Cloud API client and its MessageSender, the CampaignService, and the webhook receiver with its
 * durable inbox inside the data directory, its URL given to the sandbox. Used by the crash stress
 * test's worker process, the throughput benchmark and the campaign tests.
 */
import { join } from 'node:path';
import { createContact } from '../core/contact.ts';
import { createPhoneNumber } from '../core/phone-number.ts';
import type { PolicyName } from '../core/policy.ts';
import type { RunnerOptions } from '../core/runner-options.ts';
import type { MessageSender, Notice, Notifier } from '../core/runner-ports.ts';
import { SEED_TEMPLATES } from '../core/template.ts';
import { DAY, type Instant } from '../core/time.ts';
import type { TierName } from '../core/tier.ts';
import { CampaignService } from '../bot/campaigns/campaign-service.ts';
import type { WallClock } from '../bot/campaigns/wall-clock.ts';
import { openStore, type Store } from '../bot/store/store.ts';
import { GraphClient } from '../bot/whatsapp/graph-client.ts';
import { GraphMessageSender } from '../bot/whatsapp/graph-message-sender.ts';
import { startWebhookServer, type RunningWebhookServer } from '../bot/whatsapp/webhook-server.ts';

export interface SandboxHandle {
  readonly baseUrl: string;
  readonly token: string;
  readonly appSecret: string;
  readonly phoneNumbers: readonly { readonly id: string; readonly display: string }[];
  setWebhookUrl(url: string): Promise<void>;
}

/** seed 004's `order_update`, its first parameter the contact's name. */
export const ORDER_UPDATE_COMPONENTS = [{
  type: 'body',
  parameters: [
    { type: 'text', text: '{{name}}' },
    { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
    { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
  ],
}];

/** Distinct valid Saudi mobile numbers as wa_ids. */
export function waIds(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `96650${String(1_000_000 + offset + i).padStart(7, '0')}`);
}

/** The sandbox's numbers as campaign numbers, its templates, and an opted-in audience. */
export async function seedStore(store: Store, sandbox: SandboxHandle, o: { recipients: readonly string[]; audience?: string; tier?: TierName; throughputMps?: number; at: Instant }): Promise<void> {
  await store.numbers.save(sandbox.phoneNumbers.map((p) => createPhoneNumber({
    id: p.id, display: p.display, role: 'campaign', tier: o.tier ?? 'TIER_10K', quality: 'HIGH', throughputMps: o.throughputMps ?? 80,
  })));
  await store.templates.replaceAll(SEED_TEMPLATES, o.at);
  await store.contacts.upsert(o.recipients.map((waId, i) => createContact({ waId, name: `Customer ${i + 1}`, optIn: { source: 'web-form', at: o.at - DAY, evidence: 'checkout form' } })));
  await store.audiences.save({ name: o.audience ?? 'customers', waIds: o.recipients, at: o.at });
}

export interface WorkerOptions {
  readonly dataDir: string;
  readonly sandbox: SandboxHandle;
  readonly clock?: WallClock;
  readonly policy?: PolicyName;
  readonly runnerOptions?: Partial<RunnerOptions>;
  /** The client's own per-number limit in real messages/s; undefined: none (sandbox benchmarks only). */
  readonly clientMps?: number;
  readonly requestTimeoutMs?: number;
  readonly concurrency?: number;
  /** A fixed port, so a restarted worker gets the webhooks the sandbox keeps retrying. */
  readonly webhookPort?: number;
  readonly notifier?: Notifier;
  /** Put something between the runner and the Cloud API (a test's kill switch). */
  readonly wrapSender?: (sender: MessageSender) => MessageSender;
  /** Runs after the store opens, before the service resumes anything. */
  readonly prepare?: (store: Store) => Promise<void>;
}

export interface Worker {
  readonly store: Store;
  readonly service: CampaignService;
  readonly client: GraphClient;
  readonly receiver: RunningWebhookServer;
  readonly notices: Notice[];
  close(): Promise<void>;
}

export async function startWorker(o: WorkerOptions): Promise<Worker> {
  const store = await openStore({ dataDir: o.dataDir });
  await o.prepare?.(store);
  const client = new GraphClient({
    token: o.sandbox.token, baseUrl: o.sandbox.baseUrl, graphVersion: 'v23.0', templates: await store.templates.list(), requestTimeoutMs: o.requestTimeoutMs ?? 5_000,
    ...(o.clientMps !== undefined ? { throughputMps: o.clientMps } : { unthrottled: true }),
  });
  const notices: Notice[] = [];
  const notifier: Notifier = { notify: (n) => { notices.push(n); return o.notifier?.notify(n); } };
  const service = await CampaignService.open({
    store, sender: o.wrapSender ? o.wrapSender(new GraphMessageSender(client)) : new GraphMessageSender(client), notifier, ...(o.clock ? { clock: o.clock } : {}), ...(o.policy ? { policy: o.policy } : {}),
    ...(o.runnerOptions ? { runnerOptions: o.runnerOptions } : {}), ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
  });
  const receiver = await startWebhookServer({
    dir: join(o.dataDir, 'webhook-inbox'), appSecret: o.sandbox.appSecret, verifyToken: 'campaign-worker', onEvent: (e) => service.handleWebhookEvent(e), pipelined: true,
    ...(o.webhookPort !== undefined ? { port: o.webhookPort } : {}),
  });
  await o.sandbox.setWebhookUrl(receiver.url);
  return {
    store, service, client, receiver, notices,
    async close() {
      await service.close();
      await receiver.close();
      await client.close();
      await store.close();
    },
  };
}
