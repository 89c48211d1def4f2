/**
 * The crash test: the sandbox in its own process, then for each trial a campaign worker process
 * on a fresh data directory and its own recipients, killed with SIGKILL at seeded random moments
 * and started again on the same directory, until the campaign completes. Then the sandbox's
 * per-recipient counts are held against the ledger: nobody accepted twice, and everybody ended
 * sent (accepted), failed or skipped with a reason, or explicitly unknown.
 *
 * Both clocks run time-lapsed (the sandbox's world and the workers' runners at the same scale),
 * so the runner's reconciliation wait (at least a minute of its time) costs real seconds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINUTE } from '../core/time.ts';
import { openStore } from '../bot/store/store.ts';
import { randomStream } from '../simulator/engine/random.ts';
import { waIds } from './campaign-rig.ts';
import type { WorkerSpec } from './crash-worker.ts';
import { spawnSandbox, type SandboxProcess } from './sandbox-process.ts';

export interface CrashStressOptions {
  readonly recipients: number;
  readonly trials: number;
  readonly seed?: number;
  /** Clock ms per real ms for the sandbox and the workers (default 100). */
  readonly timeLapse?: number;
  /** Kills per trial, drawn uniformly from this range (default 1 to 3). */
  readonly kills?: readonly [number, number];
  readonly log?: (line: string) => void;
}

export interface CrashStressResult {
  readonly trials: number;
  /** Sends the sandbox accepted. */
  readonly sends: number;
  /** Recipients the sandbox accepted a message for more than once. */
  readonly duplicates: number;
  /** Recipients whose row does not end sent, failed or skipped with a reason, or unknown (or says sent when it was not). */
  readonly lost: number;
  readonly unknown: number;
}

export interface TrialReport { readonly kills: number; readonly sends: number; readonly duplicates: number; readonly lost: number; readonly unknown: number; readonly seconds: number }

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runCrashStress(o: CrashStressOptions): Promise<CrashStressResult & { readonly perTrial: readonly TrialReport[] }> {
  const seed = o.seed ?? 20260105;
  const timeLapse = o.timeLapse ?? 100;
  const [minKills, maxKills] = o.kills ?? [1, 3];
  const log = o.log ?? (() => undefined);
  const stream = randomStream(seed, 'crash-stress');
  const random = () => stream.next();
  const root = mkdtempSync(join(tmpdir(), 'crash-stress-'));
  const sandbox = await spawnSandbox({
    seed, timeScale: timeLapse, numbers: [{ throughputMps: 1000, tier: 'TIER_UNLIMITED' }, { throughputMps: 1000, tier: 'TIER_UNLIMITED' }],
    // Quick, patient webhook retries: the worker is gone for a second or so after each kill.
    webhook: { batchMs: 10, retry: { baseMs: 250, factor: 1.5, maxAttempts: 20 } },
    world: { audience: 'silent', sentAfter: 500, model: { delivery: { latency: 2000 } } },
  });
  const perTrial: TrialReport[] = [];
  try {
    const clock = await sharedClock(sandbox, timeLapse);
    for (let t = 0; t < o.trials; t++) {
      const started = performance.now();
      const spec: WorkerSpec = {
        dataDir: join(root, `trial-${t}`), sandbox, campaignId: `crash-${t}`, recipients: o.recipients, offset: t * o.recipients, clock,
        webhookPort: await freePort(),
        // A small tick keeps a batch (what a kill can leave unsent) small; the waits are in the runner's time.
        runnerOptions: { tick: 20, maybeSentTimeout: 5 * MINUTE, deliveryWait: 2 * MINUTE },
      };
      const kills = minKills + Math.floor(random() * (maxKills - minKills + 1));
      let killed = 0;
      for (;;) {
        const worker = startWorkerProcess(spec);
        if (killed < kills) {
          const delay = 100 + random() * (1_000 + (o.recipients / 1_500) * 1_000);
          const exited = await Promise.race([worker.exit, sleep(delay).then(() => undefined)]);
          if (exited === undefined) {
            worker.kill();
            await worker.exit;
            killed++;
            continue;
          }
          worker.check(exited);
          break;
        }
        worker.check(await worker.exit);
        break;
      }
      const report = await checkTrial(spec, sandbox, killed, (performance.now() - started) / 1000);
      perTrial.push(report);
      log(`trial ${t + 1}/${o.trials}: ${killed} kills, ${report.sends} sends, ${report.duplicates} duplicates, ${report.lost} lost, ${report.unknown} unknown, ${report.seconds.toFixed(1)} s`);
    }
  } finally {
    await sandbox.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const sum = (k: 'sends' | 'duplicates' | 'lost' | 'unknown') => perTrial.reduce((n, r) => n + r[k], 0);
  return { trials: perTrial.length, sends: sum('sends'), duplicates: sum('duplicates'), lost: sum('lost'), unknown: sum('unknown'), perTrial };
}

/** The workers' clock reads what the sandbox's world reads, at the same scale. */
async function sharedClock(sandbox: SandboxProcess, timeLapse: number): Promise<WorkerSpec['clock']> {
  const realStart = Date.now();
  const stats = (await (await fetch(`${sandbox.baseUrl}/_sandbox/stats`)).json()) as { virtualNow: number };
  return { timeLapse, start: stats.virtualNow, realStart };
}

function startWorkerProcess(spec: WorkerSpec) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exit,
    kill: () => child.kill('SIGKILL'),
    check(code: number | null) {
      if (code !== 0) throw new Error(`campaign worker exited with ${code}: ${stderr.trim()}`);
    },
  };
}

async function checkTrial(spec: WorkerSpec, sandbox: SandboxProcess, kills: number, seconds: number): Promise<TrialReport> {
  const received = await sandbox.received();
  const store = await openStore({ dataDir: spec.dataDir });
  try {
    const campaign = await store.campaigns.get(spec.campaignId);
    if (campaign?.status !== 'completed') throw new Error(`campaign ${spec.campaignId} ended ${campaign?.status ?? 'missing'}, expected completed`);
    const rows = new Map((await store.ledger.load(spec.campaignId)).filter((e) => e.key.messageKey === 'm1').map((e) => [e.key.waId, e]));
    let sends = 0;
    let duplicates = 0;
    let lost = 0;
    let unknown = 0;
    for (const waId of waIds(spec.recipients, spec.offset)) {
      const accepted = received[waId]?.accepted ?? 0;
      sends += accepted;
      if (accepted > 1) duplicates++;
      const row = rows.get(waId);
      if (row?.state === 'unknown') unknown++;
      else if (row?.state === 'accepted' ? accepted !== 1 : !(row && (row.state === 'failed' || row.state === 'skipped') && row.reason && accepted === 0)) lost++;
    }
    return { kills, sends, duplicates, lost, unknown, seconds };
  } finally {
    await store.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
