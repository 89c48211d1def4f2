import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_COMMANDS, CAMPAIGN_STATUSES, PAUSE_REASONS, allowedCommands, applyTransition, canSend, createCampaign, isTerminal, transition,
  type Campaign, type CampaignCommand, type CampaignCommandKind, type CampaignStatus,
} from '../../core/campaign.ts';
import { CoreError } from '../../core/errors.ts';
import { HOUR, MINUTE } from '../../core/time.ts';

const T0 = 1_750_000_000_000;
const spec = { id: 'c1', name: 'Spring sale', template: { name: 'spring_sale', language: 'ar' }, audience: 'vip-list', from: ['1234567890'], plan: 'warm-up', createdAt: T0 };

const COMMAND: Record<CampaignCommandKind, CampaignCommand> = {
  schedule: { kind: 'schedule', at: T0 + 2 * HOUR },
  start: { kind: 'start' },
  pause: { kind: 'pause', reason: 'quality-drop', detail: 'quality YELLOW on +966500000000' },
  resume: { kind: 'resume', by: 'U024BE7LH' },
  complete: { kind: 'complete' },
  stop: { kind: 'stop', by: 'U024BE7LH', reason: 'wrong audience' },
  fail: { kind: 'fail', reason: 'failure rate 31 % over the last 200 sends' },
};

// The specification, written independently of the implementation's table.
const EXPECTED: Record<CampaignStatus, Partial<Record<CampaignCommandKind, CampaignStatus>>> = {
  draft: { schedule: 'scheduled', start: 'running' },
  scheduled: { start: 'running', stop: 'stopped' },
  running: { pause: 'paused', complete: 'completed', stop: 'stopped', fail: 'failed' },
  paused: { resume: 'running', stop: 'stopped', fail: 'failed' },
  completed: {},
  stopped: {},
  failed: {},
};

const PATH: Record<CampaignStatus, CampaignCommandKind[]> = {
  draft: [], scheduled: ['schedule'], running: ['start'], paused: ['start', 'pause'],
  completed: ['start', 'complete'], stopped: ['start', 'stop'], failed: ['start', 'fail'],
};

function campaignIn(status: CampaignStatus): Campaign {
  let c = createCampaign(spec);
  PATH[status].forEach((k, i) => { c = applyTransition(c, COMMAND[k], T0 + (i + 1) * MINUTE).campaign; });
  expect(c.status).toBe(status);
  return c;
}

describe('the campaign state machine', () => {
  const pairs = CAMPAIGN_STATUSES.flatMap((s) => CAMPAIGN_COMMANDS.map((k) => [s, k] as const));
  it.each(pairs)('should allow from %s the command %s exactly when the specification does', (status, kind) => {
    const c = campaignIn(status);
    const at = T0 + HOUR;
    const result = transition(c, COMMAND[kind], at);
    const to = EXPECTED[status][kind];
    if (to === undefined) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('WA_ILLEGAL_TRANSITION');
      expect(result.error.allowed).toEqual(CAMPAIGN_COMMANDS.filter((k) => EXPECTED[status][k] !== undefined));
      expect(result.error.message).toMatch(new RegExp(`^campaign c1: cannot ${kind} an? ${status} campaign; allowed from ${status}: `));
      expect(() => applyTransition(c, COMMAND[kind], at)).toThrow(CoreError);
    } else {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.campaign.status).toBe(to);
      expect(result.event).toMatchObject({ kind: 'campaign-status-changed', campaignId: 'c1', command: kind, from: status, to, at });
      expect(result.campaign.history.at(-1)).toMatchObject({ from: status, to, at });
      expect(c.status).toBe(status);
    }
  });

  it('should list the allowed commands of every status', () => {
    for (const s of CAMPAIGN_STATUSES) expect(allowedCommands(s)).toEqual(CAMPAIGN_COMMANDS.filter((k) => EXPECTED[s][k] !== undefined));
    expect(CAMPAIGN_STATUSES.filter(isTerminal)).toEqual(['completed', 'stopped', 'failed']);
    expect(CAMPAIGN_STATUSES.filter(canSend)).toEqual(['running']);
  });

  it('should say what is wrong and what is allowed', () => {
    const r = transition(campaignIn('completed'), { kind: 'resume', by: 'U1' }, T0 + HOUR);
    expect(r).toMatchObject({ ok: false, error: { code: 'WA_ILLEGAL_TRANSITION', message: 'campaign c1: cannot resume a completed campaign; allowed from completed: none' } });
    const e = (() => { try { applyTransition(campaignIn('draft'), COMMAND.pause, T0 + HOUR); } catch (err) { return err as CoreError; } })();
    expect(e?.code).toBe('WA_ILLEGAL_TRANSITION');
    expect(e?.message).toBe('campaign c1: cannot pause a draft campaign; allowed from draft: schedule, start');
    expect(e?.details).toMatchObject({ from: 'draft', command: 'pause', allowed: ['schedule', 'start'] });
  });
});

describe('what a transition records', () => {
  it('should keep the schedule, the first start, the pause while paused, and the end', () => {
    let c = createCampaign(spec);
    c = applyTransition(c, COMMAND.schedule, T0 + MINUTE).campaign;
    expect(c.scheduledAt).toBe(T0 + 2 * HOUR);
    c = applyTransition(c, COMMAND.start, T0 + 2 * HOUR).campaign;
    expect(c.startedAt).toBe(T0 + 2 * HOUR);
    c = applyTransition(c, COMMAND.pause, T0 + 3 * HOUR).campaign;
    expect(c.pause).toEqual({ reason: 'quality-drop', at: T0 + 3 * HOUR, detail: 'quality YELLOW on +966500000000' });
    c = applyTransition(c, COMMAND.resume, T0 + 4 * HOUR).campaign;
    expect(c.pause).toBeUndefined();
    expect(c.startedAt).toBe(T0 + 2 * HOUR);
    expect(c.endedAt).toBeUndefined();
    c = applyTransition(c, { kind: 'pause', reason: 'spam-rate-limit', detail: '131048' }, T0 + 5 * HOUR).campaign;
    c = applyTransition(c, COMMAND.stop, T0 + 6 * HOUR).campaign;
    expect(c.pause).toBeUndefined();
    expect(c.endedAt).toBe(T0 + 6 * HOUR);
    expect(c.history.map((h) => `${h.from}>${h.to}`)).toEqual(['draft>scheduled', 'scheduled>running', 'running>paused', 'paused>running', 'running>paused', 'paused>stopped']);
    expect(c.history[3]).toEqual({ from: 'paused', to: 'running', at: T0 + 4 * HOUR, by: 'U024BE7LH' });
    expect(c.history[4]).toMatchObject({ reason: 'spam-rate-limit', detail: '131048' });
    expect(c.history[5]).toMatchObject({ by: 'U024BE7LH', reason: 'wrong audience' });
  });

  it('should refuse a resume with nobody named, an unknown pause reason, and time running backwards', () => {
    const paused = campaignIn('paused');
    expect(() => transition(paused, { kind: 'resume', by: ' ' }, T0 + HOUR)).toThrow(/resume: got " ", expected who resumes/);
    expect(() => transition(campaignIn('running'), { kind: 'pause', reason: 'bored' as never, detail: '' }, T0 + HOUR)).toThrow(/pause reason: got "bored", expected one of quality-drop/);
    expect(() => transition(paused, COMMAND.stop, T0)).toThrow(/expected an instant at or after/);
    expect(() => transition(paused, { kind: 'explode' } as never, T0 + HOUR)).toThrow(/campaign command: got "explode"/);
    expect(PAUSE_REASONS).toContain('template-disabled');
  });

  it('should never leave a terminal status and keep a history in time order, whatever the commands', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...CAMPAIGN_COMMANDS), fc.nat(HOUR)), { maxLength: 30 }), (steps) => {
      let c = createCampaign(spec);
      let at = T0;
      let applied = 0;
      for (const [kind, dt] of steps) {
        at += dt;
        const before = c.status;
        const r = transition(c, COMMAND[kind], at);
        expect(r.ok).toBe(EXPECTED[before][kind] !== undefined);
        if (r.ok) { c = r.campaign; applied += 1; }
        if (isTerminal(before)) expect(c.status).toBe(before);
      }
      expect(c.history).toHaveLength(applied);
      c.history.forEach((h, i) => { if (i > 0) expect(h.from).toBe(c.history[i - 1]!.to); });
    }), { numRuns: 200 });
  });
});

describe('creating a campaign', () => {
  it('should build a draft from a valid spec', () => {
    expect(createCampaign(spec)).toEqual({ ...spec, status: 'draft', history: [] });
  });

  it.each([
    [null, /campaign: got null, expected an object/],
    [{ ...spec, id: 'bad id!' }, /campaign id: got "bad id!", expected 1-64 letters/],
    [{ ...spec, id: '' }, /campaign id: got ""/],
    [{ ...spec, name: '  ' }, /campaign c1 name: got " {2}", expected a non-empty display name/],
    [{ ...spec, template: 'spring_sale' }, /campaign c1 template: got "spring_sale", expected \{ name, language \}/],
    [{ ...spec, template: { name: 'Spring Sale', language: 'ar' } }, /template name: got "Spring Sale", expected lowercase/],
    [{ ...spec, template: { name: 'spring_sale', language: 'Arabic' } }, /template language: got "Arabic", expected a Meta language code/],
    [{ ...spec, audience: 7 }, /campaign c1 audience: got 7/],
    [{ ...spec, from: [] }, /campaign c1 from: got an array of 0, expected a non-empty list/],
    [{ ...spec, from: ['n1', 'n1'] }, /"n1" is listed twice/],
    [{ ...spec, from: ['n1', ''] }, /campaign c1 from\[1\]: got ""/],
    [{ ...spec, plan: undefined }, /campaign c1 plan: got undefined, expected a pacing plan name/],
    [{ ...spec, createdAt: 'now' }, /campaign c1 createdAt: got "now", expected an instant/],
    [{ ...spec, tempalte: {} }, /unknown field "tempalte"; expected only id, name/],
  ])('should refuse %j with a typed error', (input, message) => {
    const err = (() => { try { createCampaign(input); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toMatch(/^WA_INVALID_(ARGUMENT|TEMPLATE)$/);
    expect((err as CoreError).message).toMatch(message);
  });
});
