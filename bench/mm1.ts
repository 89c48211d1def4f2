/**
 * M/M/1 queue on the project's engine: Poisson arrivals (rate 0.9), exponential service (rate
 * 1.0), one server. The same model as bench/mm1_simpy.py, for the engine-vs-SimPy ratio.
 */
import { Simulation } from '../simulator/index.ts';

export const LAMBDA = 0.9;
export const MU = 1.0;

export interface Mm1Result {
  readonly customers: number;
  readonly events: number;
  readonly seconds: number;
  readonly meanWait: number;
}

export function runMm1(customers: number, seed = 42): Mm1Result {
  const sim = new Simulation({ seed });
  const arrivals = sim.random('arrivals');
  const service = sim.random('service');
  const queue: number[] = [];
  let busy = false;
  let served = 0;
  let waitSum = 0;
  let arrived = 0;

  const startService = (s: Simulation, arrivedAt: number) => {
    busy = true;
    waitSum += s.now - arrivedAt;
    s.schedule(service.exponential(1 / MU), depart);
  };
  const depart = (s: Simulation) => {
    served++;
    const next = queue.shift();
    if (next === undefined) busy = false;
    else startService(s, next);
  };
  const arrive = (s: Simulation) => {
    arrived++;
    if (busy) queue.push(s.now);
    else startService(s, s.now);
    if (arrived < customers) s.schedule(arrivals.exponential(1 / LAMBDA), arrive);
  };

  const started = performance.now();
  sim.schedule(0, arrive);
  const { events } = sim.run();
  const seconds = (performance.now() - started) / 1000;
  return { customers: served, events, seconds, meanWait: waitSum / served };
}
