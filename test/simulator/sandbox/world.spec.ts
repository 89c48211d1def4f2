import { describe, expect, it } from 'vitest';
import { isOptOutMessage } from '../../../core/opt-out-keywords.ts';
import { HOUR, SECOND } from '../../../core/time.ts';
import { Simulation } from '../../../simulator/engine/simulation.ts';
import { ModelRecipients } from '../../../simulator/sandbox/model-recipients.ts';
import { ModelWorld } from '../../../simulator/sandbox/model-world.ts';
import { NumberPlatform } from '../../../simulator/sandbox/number-platform.ts';
import { RealtimeDriver } from '../../../simulator/sandbox/realtime-driver.ts';
import { STOP_REPLIES, scriptedFate } from '../../../simulator/sandbox/recipient-script.ts';
import { TemplateCatalog } from '../../../simulator/sandbox/template-catalog.ts';
import type { WorldEvent } from '../../../simulator/sandbox/world.ts';
import { resolveWorldParameters } from '../../../simulator/sandbox/world-parameters.ts';

const spec = { id: '1', display: '+1', verifiedName: 'x', throughputMps: 3 };
const MARKETING = { name: 'promo', language: 'en_US', category: 'MARKETING', status: 'APPROVED', quality_score: { score: 'GREEN' }, components: [{ type: 'BODY', text: 'Sale' }] };

function world(params: object, start = 1_000_000, templates: object = { data: [MARKETING] }) {
  const sim = new Simulation({ seed: 3, start });
  const p = resolveWorldParameters(params);
  const w = new ModelWorld(sim, [{ ...spec, throughputMps: 1000, tier: 'TIER_UNLIMITED' }], new TemplateCatalog(templates, sim.now, { pacingThreshold: p.model.templates.pacingThreshold }), p);
  const events: WorldEvent[] = [];
  w.subscribe((e) => events.push(e));
  const send = (waId: string) => w.submit({ numberId: '1', waId, type: 'template', template: { name: 'promo', language: 'en_US', category: 'MARKETING' } });
  return { sim, w, events, send };
}

describe('sandbox world: parameters', () => {
  it('should take the simulator\'s model parameters and scenario segment defaults', () => {
    const p = resolveWorldParameters({ model: { delivery: { latency: '5s' } }, audience: { optIn: 'implied', read: 0.4 } });
    expect(p.model.delivery.latency).toBe(5 * SECOND);
    expect(p.audience).toMatchObject({ optIn: 'implied', behaviour: 'normal', read: 0.4, onWhatsApp: 0.95 });
    expect(resolveWorldParameters({ audience: 'silent' }).audience).toMatchObject({ behaviour: 'silent', onWhatsApp: 1, offline: 0, block: 0 });
  });

  it('should refuse bad world parameters with the path', () => {
    expect(() => resolveWorldParameters({ audience: { read: 2 } })).toThrow(/world\.audience\.read/);
    expect(() => resolveWorldParameters({ pairBurst: 0 })).toThrow(/world\.pairBurst/);
    expect(() => resolveWorldParameters({ recipients: { '+9665': {} } })).toThrow(/wa_id/);
    expect(() => resolveWorldParameters({ colour: 'red' })).toThrow(/world\.colour: unknown key/);
    expect(() => resolveWorldParameters({ policy: 'meta-1999' })).toThrow(/policy/);
    expect(() => resolveWorldParameters({ model: { rating: { interval: 5 } } })).toThrow(/world\.model\.rating\.interval/);
  });
});

describe('sandbox world: recipients', () => {
  it('should follow a script, English and Arabic STOPs included', () => {
    expect(scriptedFate({ onWhatsApp: false }, false).failCode).toBe(131026);
    expect(scriptedFate({ marketingCapped: true }, true).failCode).toBe(131049);
    expect(scriptedFate({ marketingCapped: true }, false).failCode).toBeUndefined();
    expect(scriptedFate({ reply: 'إيقاف' }, false)).toMatchObject({ reaction: 'stop', read: true, replyText: 'إيقاف' });
    expect(scriptedFate({ reply: 'thanks' }, false)).toMatchObject({ reaction: 'reply', replyText: 'thanks' });
    expect(scriptedFate({ block: true, report: true }, false).reaction).toBe('report');
    expect(STOP_REPLIES.every((t) => isOptOutMessage(t))).toBe(true);
  });

  it('should map wa_ids to the model\'s slots, reusing the oldest past capacity', () => {
    const sim = new Simulation({ seed: 1 });
    const r = new ModelRecipients(resolveWorldParameters({ capacity: 2 }), sim.random('r'));
    expect([r.slot('a'), r.slot('b'), r.slot('a')]).toEqual([0, 1, 0]);
    expect(r.slot('c')).toBe(0);
    expect(r.slot('a')).toBe(1);
  });

  it('should meet the audience\'s propensities on average (the model\'s draws)', () => {
    const { sim, events, send } = world({ audience: { onWhatsApp: 0.9, offline: 0, read: 0.5, reply: 0.1, stop: 0.02, block: 0, report: 0 }, model: { marketingLimit: { perExtra: 0 } } });
    for (let i = 0; i < 2000; i++) {
      expect(send(`9665010${String(i).padStart(5, '0')}`).ok).toBe(true);
      sim.run({ until: sim.now + 10 });
    }
    sim.run({ until: sim.now + 48 * HOUR });
    const share = (f: (e: WorldEvent) => boolean) => events.filter(f).length / 2000;
    expect(share((e) => e.kind === 'status' && e.status === 'failed' && e.error?.code === 131026)).toBeCloseTo(0.1, 1);
    expect(share((e) => e.kind === 'status' && e.status === 'read') / 0.9).toBeCloseTo(0.5, 1);
    expect(share((e) => e.kind === 'inbound') / 0.9).toBeCloseTo(0.12, 1);
    const inbound = events.filter((e): e is Extract<WorldEvent, { kind: 'inbound' }> => e.kind === 'inbound');
    expect(inbound.some((e) => isOptOutMessage(e.text))).toBe(true);
  });
});

describe('sandbox world: platform rules', () => {
  it('should allow a burst of pairBurst to one person, then one per pairInterval', () => {
    const n = new NumberPlatform({ ...spec, throughputMps: Number.POSITIVE_INFINITY }, resolveWorldParameters({ pairBurst: 2 }));
    expect(n.refuse('w', 0)).toBeUndefined();
    expect(n.refuse('w', 1)).toBeUndefined();
    expect(n.refuse('w', 2)?.code).toBe(131056);
    expect(n.refuse('w', 5 * SECOND)?.code).toBe(131056);
    expect(n.refuse('w', 6 * SECOND + 10)).toBeUndefined();
    expect(n.refuse('other', 6 * SECOND + 10)).toBeUndefined();
  });

  it('should refuse more than throughputMps handled messages in any second', () => {
    const n = new NumberPlatform(spec, resolveWorldParameters({}));
    for (let i = 0; i < 3; i++) {
      expect(n.refuse(`w${i}`, 100 * i)).toBeUndefined();
      n.countMessage(100 * i);
    }
    expect(n.refuse('w9', 999)?.code).toBe(130429);
    expect(n.refuse('w9', 1001)).toBeUndefined();
  });

  it('should hold paced marketing sends and release them on a good verdict, statuses in time order', () => {
    // Not rated GREEN: a marketing template is paced.
    const unrated = { data: [{ ...MARKETING, quality_score: undefined }] };
    const { sim, events, send } = world({ audience: 'silent', model: { templates: { pacingThreshold: 1, assessmentDelay: '1h' } } }, 1_000_000, unrated);
    expect(send('966501000001')).toMatchObject({ ok: true, held: false });
    expect(send('966501000002')).toMatchObject({ ok: true, held: true });
    sim.run({ until: sim.now + 2 * HOUR });
    const statuses = events.filter((e): e is Extract<WorldEvent, { kind: 'status' }> => e.kind === 'status');
    expect(statuses.map((e) => e.at)).toEqual([...statuses.map((e) => e.at)].sort((a, b) => a - b));
    const held = statuses.filter((e) => e.waId === '966501000002');
    expect(held.map((e) => e.status)).toEqual(['sent', 'delivered']);
    expect(held[0]!.at).toBeGreaterThanOrEqual(1_000_000 + HOUR);
  });
});

describe('sandbox world: real time', () => {
  it('should map real time to virtual time by the scale and run due events', () => {
    let real = 500;
    const sim = new Simulation({ seed: 1, start: 10_000 });
    const driver = new RealtimeDriver(sim, { timeScale: 60, tickMs: 5, now: () => real });
    const fired: number[] = [];
    sim.at(10_000 + 600, (s) => fired.push(s.now));
    real += 9;
    driver.advance();
    expect(fired).toEqual([]);
    expect(driver.virtualNow()).toBe(10_000 + 540);
    real += 1;
    driver.advance();
    expect(fired).toEqual([10_600]);
    expect(driver.realDelay(60_000)).toBe(1000);
    driver.close();
    expect(() => new RealtimeDriver(sim, { timeScale: 0, tickMs: 5 })).toThrow(/timeScale/);
  });
});
