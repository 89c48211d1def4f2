/**
 * Monte Carlo: every plan × every replication, in this thread or across worker threads. Each
 * replication's seed comes from the scenario seed and its index alone (`replicationSeed`), and the
 * results are put back in (plan, replication) order, so the outcome is the same whatever the
 * number of workers and whichever finishes first.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { invalidArgument } from '../core/errors.ts';
import { runReplication } from './run-replication.ts';
import type { ReplicationResult, Scenario } from './scenario/scenario.ts';
import { orderResults } from './report/summary.ts';

export interface MonteCarloOptions {
  /** Replications per plan (default: the scenario's). */
  readonly replications?: number;
  /** Worker threads; 1 runs in this thread (default: the cores, fewer for small runs). */
  readonly workers?: number;
  /** Only these plans (default: all, in the scenario's order). */
  readonly plans?: readonly string[];
  /** Called after each replication with the count done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface MonteCarloRun {
  readonly scenario: Scenario;
  readonly replications: number;
  /** Ordered by plan (as in the scenario), then replication. */
  readonly results: readonly ReplicationResult[];
}

export interface ReplicationTask {
  readonly plan: string;
  readonly replication: number;
}

/** Messages between this thread and a worker. */
export type WorkerRequest = { readonly tasks: readonly ReplicationTask[] } | { readonly stop: true };
export type WorkerReply = { readonly result: ReplicationResult } | { readonly idle: true } | { readonly error: string };

/** Replication 0 keeps its hourly series for the charts; the others need not carry it. */
export function runTask(scenario: Scenario, task: ReplicationTask): ReplicationResult {
  return runReplication(scenario, task.plan, task.replication, { series: task.replication === 0 });
}

/** Below this many replications per worker, starting a thread costs more than it saves. */
const MIN_TASKS_PER_WORKER = 8;

function checkOptions(scenario: Scenario, options: MonteCarloOptions): { replications: number; plans: string[] } {
  const replications = options.replications ?? scenario.replications;
  if (!Number.isInteger(replications) || replications < 1) {
    throw invalidArgument('runMonteCarlo', `replications must be a whole number >= 1, got ${String(replications)}`);
  }
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) {
    throw invalidArgument('runMonteCarlo', `workers must be a whole number >= 1, got ${String(options.workers)}`);
  }
  const known = scenario.plans.map((p) => p.name);
  const plans = options.plans ? [...options.plans] : known;
  for (const plan of plans) {
    if (!known.includes(plan)) throw invalidArgument('runMonteCarlo', `no plan named ${JSON.stringify(plan)}, expected one of ${known.join(', ')}`);
  }
  return { replications, plans: known.filter((p) => plans.includes(p)) };
}

export async function runMonteCarlo(scenario: Scenario, options: MonteCarloOptions = {}): Promise<MonteCarloRun> {
  const { replications, plans } = checkOptions(scenario, options);
  const tasks: ReplicationTask[] = [];
  for (const plan of plans) for (let replication = 0; replication < replications; replication++) tasks.push({ plan, replication });
  const workers = Math.max(1, Math.min(
    options.workers ?? availableParallelism(),
    options.workers === undefined ? Math.floor(tasks.length / MIN_TASKS_PER_WORKER) : tasks.length,
  ));
  const results = workers === 1 ? runHere(scenario, tasks, options.onProgress) : await runInWorkers(scenario, tasks, workers, options.onProgress);
  return { scenario, replications, results: orderResults(scenario, results) };
}

function runHere(scenario: Scenario, tasks: readonly ReplicationTask[], onProgress?: (done: number, total: number) => void): ReplicationResult[] {
  const results: ReplicationResult[] = [];
  for (const task of tasks) {
    results.push(runTask(scenario, task));
    onProgress?.(results.length, tasks.length);
  }
  return results;
}

function runInWorkers(scenario: Scenario, tasks: readonly ReplicationTask[], count: number, onProgress?: (done: number, total: number) => void): Promise<ReplicationResult[]> {
  // Small batches keep every worker busy to the end; a batch per message keeps messaging cheap.
  const batch = Math.max(1, Math.min(16, Math.floor(tasks.length / (count * 4))));
  const results: ReplicationResult[] = [];
  let next = 0;
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(error);
    };
    const feed = (worker: Worker) => {
      if (next >= tasks.length) {
        worker.postMessage({ stop: true } satisfies WorkerRequest);
        return;
      }
      const slice = tasks.slice(next, next + batch);
      next += slice.length;
      worker.postMessage({ tasks: slice } satisfies WorkerRequest);
    };
    for (let i = 0; i < count; i++) {
      // A plain-JS bootstrap registers tsx in the worker before it loads TypeScript (see the file).
      const worker = new Worker(new URL('./monte-carlo-worker-boot.js', import.meta.url), { workerData: { scenario } });
      pool.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if ('error' in reply) fail(new Error(`replication failed in a worker: ${reply.error}`));
        else if ('idle' in reply) feed(worker);
        else {
          results.push(reply.result);
          onProgress?.(results.length, tasks.length);
          if (results.length === tasks.length) {
            for (const w of pool) w.postMessage({ stop: true } satisfies WorkerRequest);
            resolve(results);
          }
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 && results.length < tasks.length) fail(new Error(`a simulation worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
