/**
 * A campaign worker (store, client, service, receiver) against an in-process sandbox over real
 * loopback HTTP, with an opted-in audience of `recipients` people and the sandbox's numbers stored
 * as campaign numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyName } from '../../../core/policy.ts';
import type { RunnerOptions } from '../../../core/runner-options.ts';
import type { TierName } from '../../../core/tier.ts';
import { WallClock } from '../../../bot/campaigns/wall-clock.ts';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import type { SandboxOptions } from '../../../simulator/sandbox/sandbox-options.ts';
import { seedStore, startWorker, waIds, type SandboxHandle, type Worker, type WorkerOptions } from '../../../stress/campaign-rig.ts';

export { ORDER_UPDATE_COMPONENTS, waIds } from '../../../stress/campaign-rig.ts';

export interface Rig {
  readonly sandbox: Sandbox;
  readonly handle: SandboxHandle;
  readonly worker: Worker;
  readonly clock: WallClock;
  readonly recipients: readonly string[];
  readonly dir: string;
  readonly dataDir: string;
  /** Open a second worker on a data directory (after `worker.close()`, or on a copy), without `wrapSender`. */
  reopen(dataDir?: string): Promise<Worker>;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly recipients: number;
  readonly sandbox?: Partial<SandboxOptions>;
  readonly tier?: TierName;
  /** Messages per second per number: the store's figure the runner paces by, and the client's own limit. */
  readonly mps: number;
  readonly policy?: PolicyName;
  readonly runnerOptions?: Partial<RunnerOptions>;
  readonly requestTimeoutMs?: number;
  readonly notifier?: WorkerOptions['notifier'];
  readonly wrapSender?: WorkerOptions['wrapSender'];
}

export async function startRig(o: RigOptions): Promise<Rig> {
  const sandbox = await startSandbox({
    seed: 11, numbers: 1, webhook: { batchMs: 5, retry: { baseMs: 50, factor: 2, maxAttempts: 12 } },
    world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 15 } } }, ...o.sandbox,
  });
  const handle: SandboxHandle = { ...sandbox.describe(), setWebhookUrl: async (url) => sandbox.setWebhookUrl(url) };
  const dir = mkdtempSync(join(tmpdir(), 'campaigns-'));
  const dataDir = join(dir, 'data');
  const clock = new WallClock();
  const recipients = waIds(o.recipients);
  const open = (d: string, seed: boolean, wrap = true) => startWorker({
    dataDir: d, sandbox: handle, clock, clientMps: o.mps, requestTimeoutMs: o.requestTimeoutMs ?? 1_000,
    ...(o.policy ? { policy: o.policy } : {}), ...(o.runnerOptions ? { runnerOptions: o.runnerOptions } : {}),
    ...(o.notifier ? { notifier: o.notifier } : {}), ...(o.wrapSender && wrap ? { wrapSender: o.wrapSender } : {}),
    ...(seed ? { prepare: (store) => seedStore(store, handle, { recipients, tier: o.tier ?? 'TIER_10K', throughputMps: o.mps, at: clock.now() }) } : {}),
  });
  const worker = await open(dataDir, true);
  const extra: Worker[] = [];
  return {
    sandbox, handle, worker, clock, recipients, dir, dataDir,
    async reopen(d = dataDir) {
      const w = await open(d, false, false);
      extra.push(w);
      return w;
    },
    async close() {
      for (const w of [worker, ...extra]) await w.close().catch(() => undefined);
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll until `probe` answers (or fail after `ms`, saying what `state` showed last). */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000, what = 'condition', state?: () => unknown): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${state ? `; last seen ${JSON.stringify(await state())}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
