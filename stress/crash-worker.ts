/**
 * One campaign worker process of the crash test: `tsx stress/crash-worker.ts '<WorkerSpec JSON>'`.
 * It opens (or resumes) its data directory, creates and starts the campaign the first time, says
 * `ready` on stdout, and exits 0 once the campaign has completed. The test kills it with SIGKILL
 * at any point and starts it again on the same directory: it must pick up from the journal.
 */
import { pathToFileURL } from 'node:url';
import type { RunnerOptions } from '../core/runner-options.ts';
import { WallClock } from '../bot/campaigns/wall-clock.ts';
import { ORDER_UPDATE_COMPONENTS, seedStore, startWorker, waIds } from './campaign-rig.ts';

export interface WorkerSpec {
  readonly dataDir: string;
  readonly sandbox: { readonly baseUrl: string; readonly token: string; readonly appSecret: string; readonly phoneNumbers: readonly { readonly id: string; readonly display: string }[] };
  readonly campaignId: string;
  readonly recipients: number;
  /** Recipients are waIds(recipients, offset): each trial has its own people. */
  readonly offset: number;
  /** The time-lapse shared with the sandbox, and the instant both clocks read at `realStart`. */
  readonly clock: { readonly timeLapse: number; readonly start: number; readonly realStart: number };
  readonly webhookPort: number;
  readonly runnerOptions: Partial<RunnerOptions>;
}

async function main(spec: WorkerSpec): Promise<void> {
  const clock = new WallClock(spec.clock);
  const handle = {
    ...spec.sandbox,
    async setWebhookUrl(url: string) {
      const res = await fetch(`${spec.sandbox.baseUrl}/_sandbox/webhook-url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
      if (!res.ok) throw new Error(`sandbox refused the webhook URL (${res.status})`);
    },
  };
  const worker = await startWorker({
    dataDir: spec.dataDir, sandbox: handle, clock, webhookPort: spec.webhookPort, runnerOptions: spec.runnerOptions, concurrency: 64,
    prepare: async (store) => {
      if (await store.campaigns.get(spec.campaignId)) return;
      await seedStore(store, handle, { recipients: waIds(spec.recipients, spec.offset), tier: 'TIER_UNLIMITED', throughputMps: 1000, at: clock.now() });
    },
  });
  const { service } = worker;
  const existing = await service.get(spec.campaignId);
  if (!existing) {
    const created = await service.create({
      id: spec.campaignId, name: `Crash test ${spec.campaignId}`, template: 'order_update', audience: 'customers',
      numbers: spec.sandbox.phoneNumbers.map((p) => p.id), plan: { name: 'burst', schedule: { kind: 'burst' } }, components: ORDER_UPDATE_COMPONENTS,
    }, 'crash-test');
    if (!created.ok) throw new Error(created.message);
  }
  if (!existing || existing.status === 'draft') {
    const started = await service.start(spec.campaignId, 'crash-test');
    if (!started.ok) throw new Error(started.message);
  }
  process.stdout.write('ready\n');
  const done = await service.whenDone(spec.campaignId);
  await worker.close();
  process.stdout.write(`${JSON.stringify({ status: done?.status ?? existing?.status })}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(JSON.parse(process.argv[2] ?? '{}') as WorkerSpec).then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`crash-worker: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
