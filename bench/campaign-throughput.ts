/**
 * A whole campaign against the sandbox at full throughput with the store on: the CampaignService,
 * the Cloud API client, the fsync'd ledger journal and the durable webhook inbox in one process,
 * the sandbox (signed status webhooks for every message) in another, each with a core of its own.
 * The clock is the wall clock; the client's own limiter is off, and the pool has enough numbers
 * (1,000 msg/s each, Meta's ceiling) that the pacing plan never holds the campaign back.
 *
 * Each size runs in a fresh process, so its peak memory is its own. Figures: recipients per second
 * from start to completion (every message sent and its delivery reported), the sending rate alone,
 * the worker's CPU time, bytes appended to the ledger journal per send, peak resident memory, and
 * the heap still live after the run (the rest of the peak is the collector's headroom).
 *
 * Run alone: `npx tsx bench/campaign-throughput.ts [recipients…]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ORDER_UPDATE_COMPONENTS, seedStore, startWorker, waIds, type SandboxHandle } from '../stress/campaign-rig.ts';
import { spawnSandbox } from '../stress/sandbox-process.ts';

export interface CampaignRunFigures {
  readonly recipients: number;
  readonly numbers: number;
  /** Recipients per second, start to completion. */
  readonly completedPerSec: number;
  /** Sends accepted per second, start to the last acceptance. */
  readonly sentPerSec: number;
  readonly seconds: number;
  /** The worker's CPU time (user + system) over the run, and as a share of one core. */
  readonly cpuSeconds: number;
  readonly cpuShare: number;
  readonly ledgerBytesPerSend: number;
  readonly peakRssMb: number;
  /** The heap still in use after the run and a full collection: what the campaign really keeps. */
  readonly liveHeapMb: number;
  readonly sent: number;
  readonly duplicates: number;
}

export interface CampaignThroughputResult {
  readonly runs: readonly CampaignRunFigures[];
}

const SELF = fileURLToPath(import.meta.url);

export async function benchCampaignThroughput(sizes: readonly number[] = [10_000, 100_000], numbers = 4): Promise<CampaignThroughputResult> {
  const runs: CampaignRunFigures[] = [];
  for (const recipients of sizes) {
    const sandbox = await spawnSandbox({
      seed: 5, numbers: Array.from({ length: numbers }, () => ({ throughputMps: 1_000, tier: 'TIER_UNLIMITED' })),
      webhook: { batchMs: 10 }, world: { audience: 'silent', sentAfter: 20, model: { delivery: { latency: 50 } } },
    });
    try {
      const { setWebhookUrl: _ignored, ...description } = sandbox;
      const figures = await inChild({ recipients, sandbox: { baseUrl: description.baseUrl, token: description.token, appSecret: description.appSecret, phoneNumbers: description.phoneNumbers } });
      const received = await sandbox.received();
      runs.push({ ...figures, duplicates: Object.values(received).filter((c) => c.accepted > 1).length });
    } finally {
      await sandbox.stop();
    }
  }
  return { runs };
}

type ChildSpec = { readonly recipients: number; readonly sandbox: Omit<SandboxHandle, 'setWebhookUrl'> };

function inChild(spec: ChildSpec): Promise<Omit<CampaignRunFigures, 'duplicates'>> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`bench worker exited with ${code}`)))));
}

async function runInThisProcess(spec: ChildSpec): Promise<Omit<CampaignRunFigures, 'duplicates'>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-campaign-'));
  const dataDir = join(dir, 'data');
  const handle: SandboxHandle = {
    ...spec.sandbox,
    async setWebhookUrl(url) {
      await fetch(`${spec.sandbox.baseUrl}/_sandbox/webhook-url`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
    },
  };
  const people = waIds(spec.recipients);
  const worker = await startWorker({
    dataDir, sandbox: handle, concurrency: 64, runnerOptions: { deliveryWait: 60_000 },
    prepare: (store) => seedStore(store, handle, { recipients: people, tier: 'TIER_UNLIMITED', throughputMps: 1_000, at: Date.now() }),
  });
  try {
    const { service } = worker;
    const created = await service.create({
      id: 'bench', name: 'Bench', template: 'order_update', audience: 'customers', numbers: spec.sandbox.phoneNumbers.map((p) => p.id),
      plan: { schedule: { kind: 'burst' } }, components: ORDER_UPDATE_COMPONENTS,
    }, 'bench');
    if (!created.ok) throw new Error(created.message);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const started = await service.start('bench', 'bench');
    const done = await service.whenDone('bench');
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (!started.ok || done?.status !== 'completed') throw new Error(`campaign ended ${done?.status}`);
    // The sending rate from the rows themselves: start to the last acceptance.
    const rows = (await worker.store.ledger.load('bench')).filter((e) => e.state === 'accepted');
    const total = rows.length;
    const lastAccepted = rows.reduce((m, e) => Math.max(m, e.state === 'accepted' ? e.acceptedAt : 0), 0);
    const sentSeconds = Math.max(0.001, (lastAccepted - (started.value.startedAt ?? lastAccepted)) / 1000);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    (globalThis as { gc?: () => void }).gc?.();
    return {
      recipients: spec.recipients, numbers: spec.sandbox.phoneNumbers.length, completedPerSec: spec.recipients / seconds, sentPerSec: total / sentSeconds, seconds,
      cpuSeconds, cpuShare: cpuSeconds / seconds,
      ledgerBytesPerSend: statSync(join(dataDir, 'ledger', 'bench.jsonl')).size / total,
      peakRssMb: process.resourceUsage().maxRSS / 1024, liveHeapMb: process.memoryUsage().heapUsed / 2 ** 20, sent: total,
    };
  } finally {
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    const figures = await runInThisProcess(JSON.parse(process.argv[3]!) as ChildSpec);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    process.exit(0);
  }
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const r = await benchCampaignThroughput(sizes.length ? sizes : undefined);
  for (const run of r.runs) process.stdout.write(`${JSON.stringify(run)}\n`);
}
