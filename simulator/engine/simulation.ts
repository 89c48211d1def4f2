/**
 * The discrete-event engine: a virtual clock in simulated milliseconds, an event heap ordered by
 * (time, insertion sequence), and seeded random streams. Nothing here reads the wall clock, so the
 * same scenario and seed replay byte for byte.
 */
import { invalidArgument } from '../../core/errors.ts';
import type { Clock } from '../../core/time.ts';
import { EventHeap } from './event-heap.ts';
import { randomStream, type Random } from './random.ts';

export type EventHandler = (sim: Simulation) => void;

export interface SimulationOptions {
  readonly seed: number;
  /** The instant the clock starts at (default 0). */
  readonly start?: number;
}

export interface RunResult {
  /** Events processed by this call. */
  readonly events: number;
  /** The clock when the run stopped. */
  readonly now: number;
}

export class Simulation {
  readonly seed: number;
  private clock: number;
  private seq = 0;
  private processed = 0;
  private stopped = false;
  private readonly heap = new EventHeap<EventHandler>();
  private readonly streams = new Map<string, Random>();

  constructor(options: SimulationOptions) {
    if (options === null || typeof options !== 'object' || !Number.isInteger(options.seed)) {
      throw invalidArgument('new Simulation', `seed must be an integer, got ${JSON.stringify(options?.seed)}`);
    }
    this.seed = options.seed;
    this.clock = options.start ?? 0;
  }

  /** Simulated milliseconds. */
  get now(): number {
    return this.clock;
  }

  /** The Clock port over virtual time, so core's runner runs here as it does on the wall clock. */
  readonly asClock: Clock = { now: () => this.clock };

  get pending(): number {
    return this.heap.size;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  /** Run `fn` `delayMs` from now. */
  schedule(delayMs: number, fn: EventHandler): void {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw invalidArgument('sim.schedule', `delayMs must be a finite number >= 0, got ${delayMs}`);
    this.heap.push(this.clock + delayMs, this.seq++, fn);
  }

  /** Run `fn` at the absolute simulated time `timeMs` (not before now). */
  at(timeMs: number, fn: EventHandler): void {
    if (!(timeMs >= this.clock) || !Number.isFinite(timeMs)) throw invalidArgument('sim.at', `timeMs must be finite and >= now (${this.clock}), got ${timeMs}`);
    this.heap.push(timeMs, this.seq++, fn);
  }

  /** A named random stream of this run (the same name gives the same stream). */
  random(name: string): Random {
    let r = this.streams.get(name);
    if (!r) {
      r = randomStream(this.seed, name);
      this.streams.set(name, r);
    }
    return r;
  }

  /** Stop the current run after the event being processed. */
  stop(): void {
    this.stopped = true;
  }

  /** Process events in time order until none is left, `until` is passed, or `stop()` is called. */
  run(options: { until?: number; maxEvents?: number } = {}): RunResult {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    let events = 0;
    this.stopped = false;
    while (!this.stopped && events < maxEvents) {
      const t = this.heap.peekTime();
      if (t === undefined || t > until) break;
      this.clock = t;
      this.heap.pop()!(this);
      events++;
    }
    if (until !== Number.POSITIVE_INFINITY && !this.stopped && this.clock < until && events < maxEvents) this.clock = until;
    this.processed += events;
    return { events, now: this.clock };
  }
}
