/**
 * One Monte Carlo worker thread: receives batches of (plan, replication), runs them and posts each
 * result back, then asks for more. Started by monte-carlo.ts through monte-carlo-worker-boot.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from './scenario/scenario.ts';
import { runTask, type WorkerReply, type WorkerRequest } from './monte-carlo.ts';

const port = parentPort;
if (!port) throw new Error('monte-carlo-worker.ts runs as a worker thread, started by runMonteCarlo');
const { scenario } = workerData as { scenario: Scenario };

port.on('message', (request: WorkerRequest) => {
  if ('stop' in request) {
    port.close();
    return;
  }
  try {
    for (const task of request.tasks) port.postMessage({ result: runTask(scenario, task) } satisfies WorkerReply);
    port.postMessage({ idle: true } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply);
  }
});
