/**
 * The command layer on its own: a real store in a temp directory, a fake campaign service that
 * records what it was asked, and a risk estimator with fixed answers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCampaign, transition, type Campaign } from '../../../core/campaign.ts';
import { createPhoneNumber } from '../../../core/phone-number.ts';
import { SEED_TEMPLATES } from '../../../core/template.ts';
import { DAY } from '../../../core/time.ts';
import { CommandRouter } from '../../../bot/commands/command-router.ts';
import { DEFAULT_PLANS } from '../../../bot/commands/plans.ts';
import type { CampaignOps, CommandDeps, Invocation, NumberUsage, RiskEstimate, StartRequest } from '../../../bot/commands/ports.ts';
import type { Reply } from '../../../bot/commands/reply.ts';
import { importContacts } from '../../../bot/store/import-contacts.ts';
import { openStore } from '../../../bot/store/lowdb-store.ts';
import type { AuditEntry, Store } from '../../../bot/store/store.ts';

const NOW = Date.parse('2026-03-01T09:00:00Z');
const ADMIN: Invocation = { user: 'UADMIN', channel: 'COPS', mayChange: true, surface: 'slack' };
const OTHER: Invocation = { user: 'UOTHER', channel: 'COPS', mayChange: true, surface: 'slack' };
const READER: Invocation = { user: 'UREADER', channel: 'COPS', mayChange: false, surface: 'slack' };

let dir: string;
let store: Store;
let started: StartRequest[];
let audits: AuditEntry[];
let flagged: number;
let used: number;

const usage = (id: string, display: string, role: 'campaign' | 'main'): NumberUsage => ({
  number: createPhoneNumber({ id, display, role, tier: 'TIER_250', quality: 'HIGH' }), holderId: 'portfolio', limit: 250, used,
});

function fakeOps(): CampaignOps {
  return {
    numbers: async () => [usage('1001', '+1 555-010-0001', 'main'), usage('1002', '+1 555-010-0002', 'campaign')],
    plans: () => DEFAULT_PLANS,
    start: async (request, by) => {
      started.push(request);
      const c = createCampaign({ id: `c${started.length}`, name: request.name, template: request.template, audience: request.audience, from: request.from, plan: request.plan, createdAt: NOW });
      const t = transition(c, { kind: 'start' }, NOW);
      if (!t.ok) throw new Error(t.error.message);
      await store.campaigns.saveCampaign(t.campaign);
      return { ok: true, campaign: { ...t.campaign, name: `${t.campaign.name} by ${by}` } as Campaign };
    },
    pause: async () => ({ ok: false, message: 'not used here' }),
    resume: async () => ({ ok: false, message: 'not used here' }),
    stop: async (id) => {
      const c = await store.campaigns.get(id);
      const t = transition(c!, { kind: 'stop', by: 'x', reason: 'y' }, NOW);
      if (!t.ok) return { ok: false, message: t.error.message };
      await store.campaigns.saveCampaign(t.campaign);
      return { ok: true, campaign: t.campaign };
    },
    progress: async () => ({}),
  };
}

function router(approvals = false, threshold = 1000): CommandRouter {
  const risk = async (): Promise<RiskEstimate> => ({
    plans: ['chosen', 'alternative'].map((plan, i) => ({ plan, flagged: { p: i === 0 ? flagged : 0.4, lo: 0, hi: 0.5 }, restricted: { p: 0, lo: 0, hi: 0.1 }, banned: { p: 0, lo: 0, hi: 0.1 }, delivered: 100 })),
    replications: 10, horizonDays: 7, elapsedMs: 5, seed: 1,
  });
  const deps: CommandDeps = {
    store, campaigns: fakeOps(), risk: { estimate: risk }, clock: { now: () => NOW },
    audit: { record: async (e) => void audits.push(e), announce: async (e) => void audits.push(e) },
    settings: { approvalThreshold: threshold, riskThreshold: 0.05, approvals, scenariosDir: join(process.cwd(), 'scenarios'), maxSimulationReplications: 50 },
  };
  return new CommandRouter(deps);
}

const text = (r: Reply) => [r.text, ...r.blocks.map((b) => JSON.stringify(b))].join('\n');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wa-router-'));
  store = await openStore({ dataDir: dir, lock: false });
  started = [];
  audits = [];
  flagged = 0;
  used = 0;
  await store.templates.replaceAll(SEED_TEMPLATES, NOW);
  const rows = ['phone,name,opt_in_source,opt_in_at,opt_out_at,2,3'];
  for (let i = 0; i < 600; i++) rows.push(`+96650100${String(i).padStart(4, '0')},N${i},web-form,2026-01-01T00:00:00Z,${i < 4 ? '2026-02-01T00:00:00Z' : ''},SAR 10,Monday`);
  await importContacts(store, rows.join('\n'), { audience: 'spring', at: NOW });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('campaign start preflight', () => {
  it('should count the eligible, the skipped by reason, and the days under today\'s limits', async () => {
    used = 200;
    const r = await router().handle('campaign start order_update --audience spring --from pool --plan steady', ADMIN);
    const t = text(r);
    expect(t).toContain('596 eligible of 600');
    expect(t).toContain('4 opted out');
    // 50 left today, then 250 a day: 50 + 250 + 250 + 46.
    expect(t).toContain('4 days under today');
    expect(r.actions).toMatchObject({ kind: 'confirm', accept: { style: 'danger' } });
    expect(started).toEqual([]);
  });

  it('should start only once confirmed, with the resolved request', async () => {
    const rt = router();
    const preview = await rt.handle('campaign start order_update --audience spring --from +1 555-010-0002 --plan warmup', ADMIN);
    expect(preview.actions).toBeUndefined();
    const r = await rt.handle('campaign start order_update --audience spring --from 15550100002 --plan warmup', ADMIN);
    const done = await rt.settle(r.actions!.pendingId, 'accept', ADMIN);
    expect(started).toEqual([{ name: 'order_update → spring', template: { name: 'order_update', language: 'en_US' }, audience: 'spring', from: ['1002'], plan: 'warmup' }]);
    expect(done.broadcast?.[0]?.visibility).toBe('in_channel');
    expect(text(await rt.settle(r.actions!.pendingId, 'accept', ADMIN))).toContain('expired or was already settled');
    expect(started).toHaveLength(1);
  });

  it('should let only the requester confirm, and cancel without starting', async () => {
    const rt = router();
    const r = await rt.handle('campaign start order_update --audience spring --from pool', ADMIN);
    expect(text(await rt.settle(r.actions!.pendingId, 'accept', OTHER))).toContain('Only <@UADMIN> can confirm');
    expect(text(await rt.settle(r.actions!.pendingId, 'reject', ADMIN))).toContain('Cancelled');
    expect(started).toEqual([]);
  });

  it('should need a second authorised person for a large send', async () => {
    const rt = router(true, 100);
    const r = await rt.handle('campaign start order_update --audience spring --from pool', ADMIN);
    expect(text(r)).toContain('596 recipients (approval from 100)');
    const asked = await rt.settle(r.actions!.pendingId, 'accept', ADMIN);
    const request = asked.broadcast![0]!;
    expect(request.actions).toMatchObject({ kind: 'approve', accept: { style: 'danger' } });
    expect(text(await rt.settle(request.actions!.pendingId, 'accept', ADMIN))).toContain('A second person must approve');
    expect(text(await rt.settle(request.actions!.pendingId, 'accept', { ...READER, user: 'UX' }))).toContain('You may not');
    expect(started).toEqual([]);
    await rt.settle(request.actions!.pendingId, 'accept', OTHER);
    expect(started).toHaveLength(1);
    expect(audits.map((a) => a.what)).toEqual(['campaign-approval-requested', 'campaign-started']);
    expect(audits[1]!.details).toMatchObject({ approvedBy: 'UOTHER', eligible: 596 });
  });

  it('should count a plan the simulator finds risky as needing approval, whatever its size', async () => {
    flagged = 0.3;
    const r = await router(true).handle('campaign start order_update --audience spring --from pool --plan burst', ADMIN);
    expect(text(r)).toContain('predicted 30.0% chance of being FLAGGED');
    expect(r.actions!.accept.label).toContain('approval');
  });

  it('should refuse a start to someone who may not change state, with nothing pending', async () => {
    const rt = router();
    const r = await rt.handle('campaign start order_update --audience spring --from pool', READER);
    expect(text(r)).toContain('You may not run `/wa campaign start` here');
    expect(rt.pending.latest('UREADER')).toBeUndefined();
  });

  it('should refuse a template whose header a contact list cannot fill, and one whose variables have no column', async () => {
    expect(text(await router().handle('campaign start order_update_media --audience spring --from pool', ADMIN))).toContain('image header');
    await importContacts(store, 'phone,name,opt_in_source,opt_in_at\n+966501234567,A,web-form,2026-01-01T00:00:00Z\n', { audience: 'bare', at: NOW });
    expect(text(await router().handle('campaign start order_update --audience bare --from pool', ADMIN))).toMatch(/needs \{\{2\}\}, \{\{3\}\}[\s\S]*no such column/);
  });
});

describe('campaign stop, status and list', () => {
  it('should ask before stopping and stop on confirm', async () => {
    const rt = router();
    const r = await rt.handle('campaign start order_update --audience spring --from pool', ADMIN);
    await rt.settle(r.actions!.pendingId, 'accept', ADMIN);
    const ask = await rt.handle('campaign stop c1 wrong list', ADMIN);
    expect(ask.actions).toMatchObject({ accept: { label: 'Stop campaign', style: 'danger' } });
    expect((await store.campaigns.get('c1'))?.status).toBe('running');
    await rt.settle(ask.actions!.pendingId, 'accept', ADMIN);
    expect((await store.campaigns.get('c1'))?.status).toBe('stopped');
    expect(text(await rt.handle('campaign stop c1', ADMIN))).toContain('already stopped');
    expect(text(await rt.handle('campaign status c9', ADMIN))).toMatch(/No campaign `c9`[\s\S]*Did you mean `c1`/);
    expect(text(await rt.handle('campaign list', ADMIN))).toContain('No active campaigns');
    expect(text(await rt.handle('campaign list --all', ADMIN))).toContain('stopped');
  });
});

describe('contacts', () => {
  it('should show a contact\'s opt-in and whether campaigns may message it', async () => {
    const t = text(await router().handle('contact +966501000005', ADMIN));
    expect(t).toContain('web-form, 2026-01-01 00:00 UTC');
    expect(t).toContain('Campaigns may message this contact');
    expect(text(await router().handle('contact +966501000000', ADMIN))).toContain('Campaigns skip this contact');
    expect(text(await router().handle('contact 12', ADMIN))).toContain('international form');
  });

  it('should acknowledge an identity change and audit it', async () => {
    await store.contacts.apply([{ waId: '966501000010', at: NOW - DAY, change: { kind: 'identity-changed' } }]);
    expect(text(await router().handle('contact +966501000010', ADMIN))).toContain('not acknowledged');
    const r = await router().handle('contact ack +966501000010', ADMIN);
    expect(r.visibility).toBe('in_channel');
    expect(text(r)).toContain('Campaigns may message this contact');
    expect(audits).toEqual([{ at: NOW, who: 'UADMIN', what: 'contact-identity-acknowledged', details: { waId: '966501000010' } }]);
  });

  it('should import a CSV file from the console, and list every bad row without importing any', async () => {
    const good = join(dir, 'vip.csv');
    writeFileSync(good, 'phone,name,opt_in_source,opt_in_at\n+966501234567,A,web-form,2026-01-01T00:00:00Z\n');
    const console: Invocation = { user: 'me', mayChange: true, surface: 'console' };
    expect(text(await router().handle(`contacts import ${good}`, console))).toContain('Imported audience *vip*: 1 row, 1 new');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'phone,name\n12,A\n+966501234568,B\n+966501234568,C\n');
    const t = text(await router().handle(`contacts import ${bad}`, console));
    expect(t).toMatch(/Nothing was imported[\s\S]*line 2[\s\S]*line 4/);
    expect(await store.audiences.get('bad')).toBeUndefined();
    expect(text(await router().handle('contacts import nowhere.csv', console))).toContain('No file `nowhere.csv`');
    expect((await router().handle('contacts import', ADMIN)).form).toEqual({ kind: 'contacts-import' });
  });
});

describe('simulate', () => {
  it('should name the scenarios when one is unknown', async () => {
    expect(text(await router().handle('simulate warmup-vs-brust', ADMIN))).toMatch(/No scenario[\s\S]*Did you mean `warmup-vs-burst`/);
    expect(text(await router().handle('simulate minimal --plan nope', ADMIN))).toContain('Plans: `example1`');
  });

  it('should answer in the channel with the table and a chart file', async () => {
    const r = await router().handle('simulate minimal', ADMIN);
    expect(r.visibility).toBe('in_channel');
    expect(text(r)).toContain('P(flagged)');
    expect(r.files?.[0]?.name).toMatch(/^minimal-risk\.(png|svg)$/);
  });
});
