import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.ts';
import type { QualityRating } from '../../core/quality.ts';
import {
  canSend, createTemplateLifecycle, nextDeadline, step, type TemplateEvent, type TemplateInput, type TemplateLifecycleState,
} from '../../core/template-lifecycle.ts';
import { HOUR, MINUTE } from '../../core/time.ts';

const T0 = 1_750_000_000_000;

/** Feed inputs in order; return the final state and every event. */
function run(state: TemplateLifecycleState, inputs: readonly TemplateInput[]): { state: TemplateLifecycleState; events: TemplateEvent[] } {
  const events: TemplateEvent[] = [];
  let s = state;
  for (const input of inputs) {
    const r = step(s, input);
    s = r.state;
    events.push(...r.events);
  }
  return { state: s, events };
}

describe('pausing a template on RED quality', () => {
  it('should pause 3 h, then 6 h, then disable, at exact times', () => {
    let s = createTemplateLifecycle({ category: 'UTILITY', at: T0 });
    let r = step(s, { kind: 'quality-rated', quality: 'LOW', at: T0 + HOUR });
    expect(r.events).toEqual([{ kind: 'paused', at: T0 + HOUR, until: T0 + 4 * HOUR, pause: 1, cause: 'quality', failedHeld: 0 }]);
    s = r.state;
    expect(s.status).toBe('PAUSED');
    expect(nextDeadline(s)).toBe(T0 + 4 * HOUR);
    expect(canSend(s, T0 + 4 * HOUR - 1)).toMatchObject({ ok: false, metaCode: 132015 });
    expect(canSend(s, T0 + 4 * HOUR)).toEqual({ ok: true, held: false });

    r = step(s, { kind: 'tick', at: T0 + 4 * HOUR });
    expect(r.events).toEqual([{ kind: 'unpaused', at: T0 + 4 * HOUR }]);
    s = r.state;
    expect(s.status).toBe('APPROVED');
    expect(nextDeadline(s)).toBeUndefined();

    r = step(s, { kind: 'quality-rated', quality: 'LOW', at: T0 + 5 * HOUR });
    expect(r.events).toEqual([{ kind: 'paused', at: T0 + 5 * HOUR, until: T0 + 11 * HOUR, pause: 2, cause: 'quality', failedHeld: 0 }]);
    // A late tick still lands the unpause at the pause's own end.
    r = step(r.state, { kind: 'tick', at: T0 + 12 * HOUR });
    expect(r.events).toEqual([{ kind: 'unpaused', at: T0 + 11 * HOUR }]);

    r = step(r.state, { kind: 'quality-rated', quality: 'LOW', at: T0 + 13 * HOUR });
    expect(r.events).toEqual([{ kind: 'disabled', at: T0 + 13 * HOUR, cause: 'quality', failedHeld: 0 }]);
    s = r.state;
    expect(s.status).toBe('DISABLED');
    expect(canSend(s, T0 + 100 * HOUR)).toMatchObject({ ok: false, metaCode: 132016 });
    expect(nextDeadline(s)).toBeUndefined();
    const later = run(s, [{ kind: 'tick', at: T0 + 200 * HOUR }, { kind: 'quality-rated', quality: 'HIGH', at: T0 + 201 * HOUR }, { kind: 'assessed', verdict: 'good', at: T0 + 202 * HOUR }]);
    expect(later.events).toEqual([]);
    expect(later.state.status).toBe('DISABLED');
  });

  it('should not count a RED rating that arrives while already paused', () => {
    const s = createTemplateLifecycle({ category: 'UTILITY', at: T0 });
    const r = run(s, [
      { kind: 'quality-rated', quality: 'LOW', at: T0 },
      { kind: 'quality-rated', quality: 'LOW', at: T0 + HOUR },
      { kind: 'quality-rated', quality: 'LOW', at: T0 + 2 * HOUR },
    ]);
    expect(r.events.map((e) => e.kind)).toEqual(['paused']);
    expect(r.state.pauses).toBe(1);
  });

  it('should refuse a send to a paused template and time going backwards', () => {
    const paused = step(createTemplateLifecycle({ category: 'UTILITY', at: T0 }), { kind: 'quality-rated', quality: 'LOW', at: T0 }).state;
    expect(() => step(paused, { kind: 'sent', at: T0 + MINUTE })).toThrow(CoreError);
    expect(() => step(paused, { kind: 'sent', at: T0 + MINUTE })).toThrow(/is PAUSED \(Meta answers 132015: template paused until/);
    expect(() => step(paused, { kind: 'tick', at: T0 - 1 })).toThrow(/went backwards/);
  });

  it('should answer 132001 for a template that is not approved, and validate its spec', () => {
    expect(canSend(createTemplateLifecycle({ category: 'MARKETING', at: T0, status: 'PENDING' }), T0)).toEqual({ ok: false, metaCode: 132001, reason: 'template is PENDING, expected APPROVED' });
    expect(() => createTemplateLifecycle({ category: 'UTILITY', at: T0, status: 'PAUSED' })).toThrow(/pausedUntil: got undefined, expected the end of the pause/);
    expect(() => createTemplateLifecycle({ category: 'UTILITY', at: T0 }, { pacingThreshold: -1 })).toThrow(/pacingThreshold: got -1/);
    expect(() => createTemplateLifecycle({ category: 'UTILITY', at: T0, pauses: 3 })).toThrow(/pauses: got 3, expected 0 to 2/);
  });
});

describe('pacing marketing templates', () => {
  const fresh = () => createTemplateLifecycle({ category: 'MARKETING', at: T0 }, { pacingThreshold: 3 });

  function sendAll(s: TemplateLifecycleState, n: number, at: number): { state: TemplateLifecycleState; held: boolean[]; events: TemplateEvent[] } {
    const held: boolean[] = [];
    const events: TemplateEvent[] = [];
    for (let i = 0; i < n; i++) {
      const check = canSend(s, at);
      if (!check.ok) throw new Error(check.reason);
      held.push(check.held);
      const r = step(s, { kind: 'sent', at });
      s = r.state;
      events.push(...r.events);
    }
    return { state: s, held, events };
  }

  it('should let the threshold through, hold the rest, and release them on a good signal', () => {
    const sent = sendAll(fresh(), 5, T0 + MINUTE);
    expect(sent.held).toEqual([false, false, false, true, true]);
    expect(sent.events).toEqual([{ kind: 'held', at: T0 + MINUTE, held: 1 }, { kind: 'held', at: T0 + MINUTE, held: 2 }]);
    const r = step(sent.state, { kind: 'assessed', verdict: 'good', at: T0 + 40 * MINUTE });
    expect(r.events).toEqual([{ kind: 'released', at: T0 + 40 * MINUTE, released: 2 }]);
    expect(sendAll(r.state, 10, T0 + HOUR).held.every((h) => !h)).toBe(true);
  });

  it('should pause on a bad signal, failing the held messages with 132015', () => {
    const sent = sendAll(fresh(), 5, T0 + MINUTE);
    const r = step(sent.state, { kind: 'assessed', verdict: 'bad', at: T0 + 30 * MINUTE });
    expect(r.events).toEqual([{ kind: 'paused', at: T0 + 30 * MINUTE, until: T0 + 30 * MINUTE + 3 * HOUR, pause: 1, cause: 'assessment', failedHeld: 2 }]);
    expect(r.state.quality).toBe('LOW');
    expect(canSend(r.state, T0 + HOUR)).toMatchObject({ ok: false, metaCode: 132015 });
  });

  it('should pace a recently unpaused template again', () => {
    const s = createTemplateLifecycle({ category: 'MARKETING', at: T0, isNew: false, quality: 'HIGH' });
    expect(s.pacing).toEqual({ phase: 'off' });
    const r = run(s, [{ kind: 'quality-rated', quality: 'LOW', at: T0 }, { kind: 'tick', at: T0 + 5 * HOUR }]);
    expect(r.events.slice(1)).toEqual([
      { kind: 'unpaused', at: T0 + 3 * HOUR },
      { kind: 'pacing-started', at: T0 + 3 * HOUR, reason: 'unpaused', threshold: 1000 },
    ]);
  });

  it('should pace a template whose rating drops below GREEN, once per drop', () => {
    const s = createTemplateLifecycle({ category: 'MARKETING', at: T0, isNew: false, quality: 'HIGH' });
    const r = run(s, [
      { kind: 'quality-rated', quality: 'MEDIUM', at: T0 + HOUR },
      { kind: 'assessed', verdict: 'good', at: T0 + 2 * HOUR },
      { kind: 'quality-rated', quality: 'MEDIUM', at: T0 + 3 * HOUR },
    ]);
    expect(r.events).toEqual([
      { kind: 'pacing-started', at: T0 + HOUR, reason: 'quality', threshold: 1000 },
      { kind: 'released', at: T0 + 2 * HOUR, released: 0 },
    ]);
    expect(createTemplateLifecycle({ category: 'MARKETING', at: T0, isNew: false, quality: 'MEDIUM' }).pacing).toEqual({ phase: 'sampling', reason: 'quality', sent: 0 });
  });

  it('should not pace utility or authentication templates', () => {
    for (const category of ['UTILITY', 'AUTHENTICATION'] as const) {
      const s = createTemplateLifecycle({ category, at: T0 }, { pacingThreshold: 0 });
      expect(canSend(s, T0)).toEqual({ ok: true, held: false });
    }
  });
});

const QUALITIES: readonly QualityRating[] = ['HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

describe('the pause ladder (property)', () => {
  const inputArb = fc.oneof(
    fc.record({ kind: fc.constant('quality-rated' as const), quality: fc.constantFrom(...QUALITIES), dt: fc.integer({ min: 0, max: 8 * HOUR }) }),
    fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 8 * HOUR }) }),
  );

  it('should pause exactly twice before disabling, and never bring a disabled template back', () => {
    fc.assert(fc.property(fc.constantFrom('MARKETING', 'UTILITY') as fc.Arbitrary<'MARKETING' | 'UTILITY'>, fc.array(inputArb, { maxLength: 60 }), (category, inputs) => {
      let s = createTemplateLifecycle({ category, at: T0 });
      let at = T0;
      let pausesBeforeDisable = 0;
      let disabled = false;
      for (const input of inputs) {
        at += input.dt;
        const r = step(s, input.kind === 'tick' ? { kind: 'tick', at } : { kind: 'quality-rated', quality: input.quality, at });
        for (const e of r.events) {
          if (disabled) throw new Error(`event ${e.kind} after disabled`);
          if (e.kind === 'paused') pausesBeforeDisable++;
          if (e.kind === 'disabled') {
            expect(pausesBeforeDisable).toBe(2);
            disabled = true;
          }
        }
        s = r.state;
        expect(s.status).toBe(disabled ? 'DISABLED' : s.status === 'PAUSED' ? 'PAUSED' : 'APPROVED');
        expect(s.pauses).toBeLessThanOrEqual(2);
        if (disabled) expect(canSend(s, at)).toMatchObject({ ok: false, metaCode: 132016 });
      }
    }), { numRuns: 300 });
  });
});

// Model-based: a plain model of the ladder and of pacing, checked after every command.
interface Model {
  now: number; status: 'APPROVED' | 'PAUSED' | 'DISABLED'; pauses: number; until: number;
  quality: QualityRating; pacing: boolean; sent: number; held: number;
}
interface Real { state: TemplateLifecycleState }
const THRESHOLD = 2;
const DURATIONS = [3 * HOUR, 6 * HOUR];

function modelAdvance(m: Model, to: number): void {
  if (m.status === 'PAUSED' && m.until <= to) Object.assign(m, { status: 'APPROVED', pacing: true, sent: 0, held: 0 });
  m.now = to;
}
function modelPause(m: Model): number {
  const failed = m.pacing ? m.held : 0;
  if (m.pauses >= DURATIONS.length) Object.assign(m, { status: 'DISABLED' });
  else Object.assign(m, { status: 'PAUSED', until: m.now + DURATIONS[m.pauses]!, pauses: m.pauses + 1 });
  Object.assign(m, { pacing: false, sent: 0, held: 0 });
  return failed;
}
function check(m: Model, r: Real): void {
  expect(r.state.status).toBe(m.status);
  expect(r.state.pauses).toBe(m.pauses);
  expect(nextDeadline(r.state)).toBe(m.status === 'PAUSED' ? m.until : undefined);
  const c = canSend(r.state, m.now);
  if (m.status === 'APPROVED') expect(c).toEqual({ ok: true, held: m.pacing && (m.held > 0 || m.sent >= THRESHOLD) });
  else expect(c).toMatchObject({ ok: false, metaCode: m.status === 'PAUSED' ? 132015 : 132016 });
}

class Wait implements fc.Command<Model, Real> {
  constructor(readonly dt: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    modelAdvance(m, m.now + this.dt);
    r.state = step(r.state, { kind: 'tick', at: m.now }).state;
    check(m, r);
  }
  toString = () => `wait(${this.dt / MINUTE}m)`;
}

class Rate implements fc.Command<Model, Real> {
  constructor(readonly quality: QualityRating) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const before = m.quality;
    m.quality = this.quality;
    let failed: number | undefined;
    if (m.status === 'APPROVED' && this.quality === 'LOW') failed = modelPause(m);
    else if (m.status === 'APPROVED' && this.quality !== 'HIGH' && this.quality !== before && !m.pacing) Object.assign(m, { pacing: true, sent: 0, held: 0 });
    const res = step(r.state, { kind: 'quality-rated', quality: this.quality, at: m.now });
    r.state = res.state;
    if (failed !== undefined) expect(res.events[0]).toMatchObject({ failedHeld: failed });
    check(m, r);
  }
  toString = () => `rate(${this.quality})`;
}

class Send implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => m.status === 'APPROVED';
  run(m: Model, r: Real): void {
    if (m.pacing && (m.held > 0 || m.sent >= THRESHOLD)) m.held++;
    else if (m.pacing) m.sent++;
    r.state = step(r.state, { kind: 'sent', at: m.now }).state;
    check(m, r);
  }
  toString = () => 'send';
}

class Assess implements fc.Command<Model, Real> {
  constructor(readonly verdict: 'good' | 'bad') {}
  check = () => true;
  run(m: Model, r: Real): void {
    const res = step(r.state, { kind: 'assessed', verdict: this.verdict, at: m.now });
    if (m.status === 'APPROVED' && this.verdict === 'bad') {
      m.quality = 'LOW';
      expect(res.events[0]).toMatchObject({ failedHeld: modelPause(m) });
    } else if (m.status === 'APPROVED' && m.pacing) {
      expect(res.events).toEqual([{ kind: 'released', at: m.now, released: m.held }]);
      Object.assign(m, { pacing: false, sent: 0, held: 0 });
    }
    r.state = res.state;
    check(m, r);
  }
  toString = () => `assess(${this.verdict})`;
}

describe('the template lifecycle against a model', () => {
  it('should agree with the model on status, pauses, deadlines and held sends', () => {
    const commands = [
      fc.integer({ min: 0, max: 7 * HOUR }).map((dt) => new Wait(dt)),
      fc.constantFrom(...QUALITIES).map((q) => new Rate(q)),
      fc.constant(new Send()),
      fc.constantFrom('good', 'bad').map((v) => new Assess(v as 'good' | 'bad')),
    ];
    fc.assert(fc.property(fc.commands(commands, { maxCommands: 80, size: 'large' }), (cmds) => {
      const model: Model = { now: T0, status: 'APPROVED', pauses: 0, until: 0, quality: 'UNKNOWN', pacing: true, sent: 0, held: 0 };
      const real: Real = { state: createTemplateLifecycle({ category: 'MARKETING', at: T0 }, { pacingThreshold: THRESHOLD }) };
      fc.modelRun(() => ({ model, real }), cmds);
    }), { numRuns: 200 });
  });
});
