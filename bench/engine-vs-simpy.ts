/**
 * Engine events/s on an M/M/1 model, next to the same model in SimPy 2.3 run side by side (best of
 * three each, same customer count). The ratio compares customers served per second: the same work,
 * whatever each engine calls an event.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runMm1 } from './mm1.ts';

export interface EngineBench {
  readonly customers: number;
  readonly engineEventsPerSec: number;
  readonly engineCustomersPerSec: number;
  readonly simpyCustomersPerSec?: number;
  readonly ratio?: number;
  readonly note?: string;
}

const PYTHON = '/usr/bin/python3';

export function benchEngineVsSimpy(customers = 200_000): EngineBench {
  runMm1(50_000); // warm the JIT
  const ours = [0, 1, 2].map(() => runMm1(customers)).sort((a, b) => a.seconds - b.seconds)[0]!;
  const engineCustomersPerSec = ours.customers / ours.seconds;
  const base: EngineBench = { customers, engineEventsPerSec: ours.events / ours.seconds, engineCustomersPerSec };
  const script = fileURLToPath(new URL('./mm1_simpy.py', import.meta.url));
  if (!existsSync(PYTHON)) return { ...base, note: 'SimPy baseline skipped: /usr/bin/python3 not found (apt-get install python3-simpy)' };
  try {
    const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(PYTHON, [script, String(customers)], { encoding: 'utf8' })) as { customers: number; seconds: number });
    const best = runs.sort((a, b) => a.seconds - b.seconds)[0]!;
    const simpyCustomersPerSec = best.customers / best.seconds;
    return { ...base, simpyCustomersPerSec, ratio: engineCustomersPerSec / simpyCustomersPerSec };
  } catch (err) {
    return { ...base, note: `SimPy baseline skipped: ${(err as Error).message.split('\n')[0]} (apt-get install python3-simpy)` };
  }
}
