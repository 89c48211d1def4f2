/**
 * The one place where the wall clock meets the model. The simulation's virtual clock follows real
 * time, sped up by `timeScale` (virtual ms = real ms × timeScale): each request first runs the
 * simulation up to "now", and while events are pending a timer keeps running it, so webhooks go
 * out when they fall due. The model itself never sees a timer.
 */
import { invalidArgument } from '../../core/errors.ts';
import type { Simulation } from '../engine/simulation.ts';

export interface RealtimeDriverOptions {
  /** Virtual ms per real ms: 1 follows the wall clock, 60 runs a minute per second. */
  readonly timeScale: number;
  /** How often (real ms) pending events are checked. The engine has no peek at its next event. */
  readonly tickMs: number;
  /** The real clock, in ms (injectable for tests). */
  readonly now?: () => number;
}

export class RealtimeDriver {
  private readonly realStart: number;
  private readonly virtualStart: number;
  private readonly clock: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly afterRun: (() => void)[] = [];

  constructor(private readonly sim: Simulation, private readonly options: RealtimeDriverOptions) {
    if (!(options.timeScale > 0 && Number.isFinite(options.timeScale))) throw invalidArgument('sandbox timeScale', `got ${options.timeScale}, expected a positive number (1 = real time)`);
    if (!(options.tickMs >= 1)) throw invalidArgument('sandbox tickMs', `got ${options.tickMs}, expected at least 1 ms`);
    this.clock = options.now ?? (() => performance.now());
    this.realStart = this.clock();
    this.virtualStart = sim.now;
  }

  /** The virtual instant that corresponds to the real "now". */
  virtualNow(): number {
    return this.virtualStart + (this.clock() - this.realStart) * this.options.timeScale;
  }

  /** Real ms until a virtual duration has passed. */
  realDelay(virtualMs: number): number {
    return virtualMs / this.options.timeScale;
  }

  /** Called after every run (e.g. to flush what the run produced). */
  onRun(fn: () => void): void {
    this.afterRun.push(fn);
  }

  /** Run the simulation up to now; keep a timer going while events are pending. */
  advance(): void {
    if (this.closed) return;
    const until = Math.max(this.sim.now, Math.floor(this.virtualNow()));
    const { events } = this.sim.run({ until });
    if (events > 0) for (const fn of this.afterRun) fn();
    this.arm();
  }

  private arm(): void {
    if (this.closed || this.timer !== undefined || this.sim.pending === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.advance();
    }, this.options.tickMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
