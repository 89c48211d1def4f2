import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, qualityParameters } from '../../../core/index.ts';
import { PARAMETER_RULES } from '../../../simulator/model/parameter-schema.ts';
import { DEFAULT_MODEL_PARAMETERS, resolveModelParameters } from '../../../simulator/model/parameters.ts';

/** Every leaf of a parameter tree, as a dotted path. */
function leaves(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('model parameters', () => {
  it('should give the defaults when the scenario sets none', () => {
    expect(resolveModelParameters(undefined)).toEqual({ value: DEFAULT_MODEL_PARAMETERS, problems: [] });
    expect(resolveModelParameters({}).value).toEqual(DEFAULT_MODEL_PARAMETERS);
  });

  it('should have a bound for every parameter, and defaults within their bounds', () => {
    expect(leaves(DEFAULT_MODEL_PARAMETERS).sort()).toEqual(Object.keys(PARAMETER_RULES).sort());
    const roundTrip = Object.fromEntries(Object.entries(DEFAULT_MODEL_PARAMETERS));
    expect(resolveModelParameters(roundTrip).problems).toEqual([]);
    expect(() => qualityParameters(DEFAULT_MODEL_PARAMETERS.quality)).not.toThrow();
  });

  it('should merge a deep-partial override and keep every other default', () => {
    const { value, problems } = resolveModelParameters({ fatigue: { perMessage: 1.2 }, quality: { weights: { report: 3 } } });
    expect(problems).toEqual([]);
    expect(value.fatigue).toEqual({ ...DEFAULT_MODEL_PARAMETERS.fatigue, perMessage: 1.2 });
    expect(value.quality.weights).toEqual({ ...DEFAULT_MODEL_PARAMETERS.quality.weights, report: 3 });
    expect(value.scrutiny).toBe(DEFAULT_MODEL_PARAMETERS.scrutiny);
  });

  it('should read durations written like "7d" or "30m", or as milliseconds', () => {
    const { value, problems } = resolveModelParameters({ fatigue: { window: '3d' }, feedback: { readDelayMean: '45m' }, rating: { interval: 2 * HOUR } });
    expect(problems).toEqual([]);
    expect(value.fatigue.window).toBe(3 * DAY);
    expect(value.feedback.readDelayMean).toBe(45 * MINUTE);
    expect(value.rating.interval).toBe(2 * HOUR);
  });

  it('should list every problem with its full path', () => {
    const { problems } = resolveModelParameters({
      fatigue: { perMessage: -1, window: 'a week' },
      scrutiny: { newNumber: 0.5, colour: 'red' },
      spamLimit: { rate: 2 },
      enforcement: 'strict',
      templates: { pacingThreshold: 10.5 },
    }, 'params');
    expect(problems).toEqual([
      { path: 'params.fatigue.perMessage', message: 'must be >= 0, got -1' },
      { path: 'params.fatigue.window', message: 'expected a duration like "7d", "6h" or "30m", got "a week"' },
      { path: 'params.scrutiny.newNumber', message: 'must be >= 1, got 0.5' },
      { path: 'params.scrutiny.colour', message: expect.stringMatching(/^unknown parameter; expected one of newNumber, halfLife/) },
      { path: 'params.spamLimit.rate', message: 'must be <= 1, got 2' },
      { path: 'params.enforcement', message: expect.stringMatching(/^expected a mapping with some of window, strikeRate/) },
      { path: 'params.templates.pacingThreshold', message: 'must be a whole number, got 10.5' },
    ]);
  });

  it('should refuse a mapping that is not one, and thresholds in the wrong order', () => {
    expect(resolveModelParameters([1, 2], 'params').problems).toEqual([{ path: 'params', message: expect.stringMatching(/^expected a mapping/) }]);
    const { problems, value } = resolveModelParameters({ quality: { mediumAt: 0.05, lowAt: 0.02 } }, 'params');
    expect(problems).toEqual([{ path: 'params.quality', message: expect.stringContaining('expected 0 < mediumAt < lowAt') }]);
    expect(value.quality).toEqual(DEFAULT_MODEL_PARAMETERS.quality);
  });

  it('should refuse a window shorter than the quality score can hold', () => {
    expect(resolveModelParameters({ spamLimit: { window: '30m' } }, 'params').problems).toEqual([{ path: 'params.spamLimit.window', message: 'must be >= 1h, got "30m"' }]);
  });
});
