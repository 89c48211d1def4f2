/**
 * Every parameter of the world model that Meta does not publish, with its default and the reason
 * for it. A scenario may override any of them under `params:`. (The model owner fills this in.)
 */
import type { Problem } from '../../core/index.ts';

export interface ModelParameters {
  readonly placeholder?: never;
}

export const DEFAULT_MODEL_PARAMETERS: ModelParameters = {};

/** Merge a scenario's `params:` over the defaults, checking every value; problems carry their path. */
export function resolveModelParameters(raw: unknown, path = 'params'): { value: ModelParameters; problems: Problem[] } {
  if (raw === undefined) return { value: DEFAULT_MODEL_PARAMETERS, problems: [] };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { value: DEFAULT_MODEL_PARAMETERS, problems: [{ path, message: 'expected a mapping of model parameters' }] };
  return { value: DEFAULT_MODEL_PARAMETERS, problems: [] };
}
