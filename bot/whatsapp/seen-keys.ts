/**
 * A bounded set of recently seen keys: when full, the oldest keys are forgotten first. Meta
 * redelivers within minutes to days, so a large window catches nearly every duplicate while the
 * memory stays fixed (100,000 keys of ~60 characters is a few MB).
 */
import { describe, invalidArgument } from '../../core/errors.ts';

export class SeenKeys {
  readonly capacity: number;
  readonly #keys = new Set<string>();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw invalidArgument('seen-set capacity', `got ${describe(capacity)}, expected a whole number ≥ 1`);
    this.capacity = capacity;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) this.#keys.delete(this.#keys.values().next().value!);
  }

  get size(): number {
    return this.#keys.size;
  }
}
