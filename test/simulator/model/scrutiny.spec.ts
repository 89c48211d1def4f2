import { describe, expect, it } from 'vitest';
import { DAY, HOUR, SECOND } from '../../../core/index.ts';
import { DEFAULT_MODEL_PARAMETERS } from '../../../simulator/model/parameters.ts';
import { Scrutiny } from '../../../simulator/model/scrutiny.ts';

const p = DEFAULT_MODEL_PARAMETERS.scrutiny;

describe('scrutiny of a number', () => {
  it('should weigh a new number\'s first messages by newNumber, halving the excess each halfLife', () => {
    const s = new Scrutiny(p, 0, [{ isNew: true, reference: 0 }]);
    expect(s.noteSend(0, 0)).toBeCloseTo(p.newNumber, 6);
    expect(s.noteSend(0, p.halfLife)).toBeCloseTo(1 + (p.newNumber - 1) / 2, 6);
    expect(s.noteSend(0, 10 * p.halfLife)).toBeCloseTo(1, 2);
  });

  it('should not weigh an established number sending within its usual volume', () => {
    const s = new Scrutiny(p, 0, [{ isNew: false, reference: 500 }]);
    for (let i = 0; i < 500; i++) expect(s.noteSend(0, i * SECOND)).toBe(1);
  });

  it('should weigh a day far above the number\'s previous peak by the ratio to velocityExponent', () => {
    const s = new Scrutiny(p, 0, [{ isNew: false, reference: 0 }]);
    for (let i = 0; i < 1000; i++) s.noteSend(0, 10 * HOUR + i * SECOND);
    let last = 0;
    for (let i = 0; i < 10_000; i++) last = s.noteSend(0, DAY + 12 * HOUR + i * 100);
    expect(last).toBeCloseTo(Math.pow(10, p.velocityExponent), 6);
  });

  it('should let a ramp that grows by half each day stay close to 1', () => {
    const s = new Scrutiny(p, 0, [{ isNew: false, reference: 0 }]);
    let worst = 0;
    for (let day = 0, quota = 300; day < 10; day++, quota = Math.floor(quota * 1.5)) {
      for (let i = 0; i < quota; i++) worst = Math.max(worst, s.noteSend(0, day * DAY + Math.floor((i * (DAY - 1)) / quota)));
    }
    expect(worst).toBeLessThan(Math.pow(1.5, p.velocityExponent) + 0.01);
  });
});
