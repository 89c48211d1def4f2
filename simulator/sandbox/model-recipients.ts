/**
 * The sandbox's recipients are the simulator's: one audience segment of the model (`Audience`),
 * with its fatigue, opt-in multipliers, offline spells and reactions. The sandbox only maps the
 * wa_ids it meets to the model's recipient slots, first come first served; past `capacity` the
 * oldest slots are reused for new people.
 */
import type { Instant } from '../../core/time.ts';
import type { Random } from '../engine/random.ts';
import { Audience, type Arrival, type Reaction } from '../model/audience.ts';
import { marketingLimited } from '../model/marketing-limit.ts';
import type { ModelParameters } from '../model/parameters.ts';
import type { SandboxWorldParameters } from './world-parameters.ts';

export class ModelRecipients {
  private readonly audience: Audience;
  private readonly slots = new Map<string, number>();
  private readonly holders: (string | undefined)[] = [];
  private next = 0;
  private readonly capacity: number;
  private readonly model: ModelParameters;

  constructor(params: SandboxWorldParameters, private readonly rng: Random) {
    this.capacity = params.capacity;
    this.model = params.model;
    this.audience = new Audience([{ name: 'sandbox', size: params.capacity, ...params.audience }], params.model, rng);
  }

  /** The model's slot for a wa_id (assigned on first sight). */
  slot(waId: string): number {
    let i = this.slots.get(waId);
    if (i !== undefined) return i;
    i = this.next % this.capacity;
    this.next++;
    const previous = this.holders[i];
    if (previous !== undefined) this.slots.delete(previous);
    this.holders[i] = waId;
    this.slots.set(waId, i);
    return i;
  }

  get silent(): boolean {
    return this.audience.isSilent(0);
  }

  sinceLastSend(i: number, at: Instant): number {
    return this.audience.sinceLastSend(i, at);
  }

  noteSent(i: number, at: Instant): number {
    return this.audience.noteSent(i, at);
  }

  arrive(i: number, at: Instant): Arrival {
    return this.audience.arrive(i, at);
  }

  react(i: number, negative: number, reportBoost: number): Reaction {
    return this.audience.react(i, negative, reportBoost);
  }

  /**
   * Per-user marketing limit (131049), the simulator's rule: other businesses' marketing today (a
   * Poisson draw, its mean for a silent audience) plus ours, over the allowance, each extra message
   * adding to the chance.
   */
  marketingLimited(i: number, ourToday: number): boolean {
    return marketingLimited(this.rng, this.model, this.audience, i, ourToday);
  }

}
