/**
 * The service's own behaviour, with a fake Cloud API (answers by recipient) and webhook events
 * handed in directly: what it refuses and how, the report, the audit trail, store changes from
 * webhooks, and late statuses for a campaign that ended before the process restarted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContact } from '../../../core/contact.ts';
import { classifyMetaError } from '../../../core/meta-error.ts';
import { createPhoneNumber } from '../../../core/phone-number.ts';
import type { MessageSender, Notice, SendResult } from '../../../core/runner-ports.ts';
import { SEED_TEMPLATES } from '../../../core/template.ts';
import { DAY } from '../../../core/time.ts';
import type { WebhookEvent } from '../../../core/webhook-event.ts';
import { CampaignService } from '../../../bot/campaigns/campaign-service.ts';
import { openStore, type Store } from '../../../bot/store/store.ts';
import { ORDER_UPDATE_COMPONENTS, waIds } from './campaign-fixtures.ts';

const people = waIds(10);
const answers: Record<string, SendResult> = {
  [people[3]!]: { kind: 'rejected', code: 131026, info: classifyMetaError(131026) },
  [people[4]!]: { kind: 'rejected', code: 132000, info: classifyMetaError(132000) },
};
const sender: MessageSender = { send: async (req) => answers[req.to] ?? { kind: 'accepted', wamid: `wamid.${req.sendId}`, held: false } };

let dir: string;
let store: Store;
let service: CampaignService;
const notices: Notice[] = [];

async function open(): Promise<CampaignService> {
  store = await openStore({ dataDir: join(dir, 'data') });
  return CampaignService.open({ store, sender, notifier: { notify: (n) => void notices.push(n) }, runnerOptions: { deliveryWait: 0 } });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'campaign-service-'));
  notices.length = 0;
  service = await open();
  const now = Date.now();
  await store.numbers.save([
    createPhoneNumber({ id: '101', display: '+1 555-010-0001', role: 'campaign', tier: 'TIER_1K', quality: 'HIGH' }),
    createPhoneNumber({ id: '100', display: '+1 555-010-0000', role: 'main', tier: 'TIER_1K', quality: 'HIGH' }),
  ]);
  await store.templates.replaceAll(SEED_TEMPLATES, now);
  await store.contacts.upsert(people.map((waId, i) => createContact({ waId, name: `P${i}`, ...(i === 5 ? {} : { optIn: { source: 'web-form', at: now - DAY } }) })));
  await store.audiences.save({ name: 'vip', waIds: people, at: now });
});

afterEach(async () => {
  await service.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const spec = { id: 'spring', name: 'Spring', template: 'order_update', audience: 'vip', numbers: ['101'], plan: { name: 'burst', schedule: { kind: 'burst' } }, components: ORDER_UPDATE_COMPONENTS };

describe('creating and steering campaigns', () => {
  it('should answer a bad request with a reason, not a throw', async () => {
    expect(await service.create({ ...spec, audience: 'nobody' }, 'U1')).toMatchObject({ ok: false, problem: 'invalid', message: expect.stringContaining('audience "nobody"') });
    expect(await service.create({ ...spec, template: 'no_such' }, 'U1')).toMatchObject({ ok: false, message: expect.stringContaining('not in the catalog') });
    expect(await service.create({ ...spec, numbers: ['100'] }, 'U1')).toMatchObject({ ok: false, message: expect.stringContaining('main number') });
    expect(await service.create({ ...spec, plan: { schedule: { kind: 'ramp', start: 0 } } }, 'U1')).toMatchObject({ ok: false, problem: 'invalid', message: expect.stringContaining('plan.schedule.start') });
    expect(await service.create({ ...spec, id: 'bad/id' }, 'U1')).toMatchObject({ ok: false, problem: 'invalid' });
    expect((await service.create(spec, 'U1')).ok).toBe(true);
    expect(await service.create(spec, 'U1')).toMatchObject({ ok: false, problem: 'conflict' });
    expect(await service.pause('nope', 'U1')).toMatchObject({ ok: false, problem: 'not-found' });
    expect(await service.resume('spring', 'U1')).toMatchObject({ ok: false, problem: 'illegal-transition', message: expect.stringContaining('cannot resume a draft campaign') });
  });

  it('should run a campaign to its end and report each outcome by reason, with core\'s explanations', async () => {
    await service.create(spec, 'U1');
    expect(await service.start('spring', 'U1')).toMatchObject({ ok: true, value: { status: 'running' } });
    expect((await service.whenDone('spring'))?.status).toBe('completed');
    const report = await service.status('spring');
    if (!report.ok) throw new Error(report.message);
    expect(report.value).toMatchObject({ audience: 10, sent: 7, unknown: 0, skipped: { 'no-opt-in': 1 } });
    expect(report.value.failed).toEqual([
      expect.objectContaining({ reason: 'suppress-contact', metaCode: 131026, count: 1, explanation: expect.stringContaining('could not deliver') }),
      expect.objectContaining({ reason: 'fix-payload', metaCode: 132000, count: 1 }),
    ]);
    expect((await store.contacts.get(people[3]!))?.suppression).toMatchObject({ reason: 'not-on-whatsapp', metaCode: 131026 });
    expect((await service.list({ status: 'completed' })).map((c) => c.id)).toEqual(['spring']);
    const audit = (await store.audit.recent(20)).map((a) => `${a.who} ${a.what}`);
    expect(audit).toEqual(expect.arrayContaining(['U1 campaign-created', 'U1 campaign-started', 'runner contact-suppressed', 'runner campaign-completed']));
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'campaign-finished', status: 'completed' }));
  });

  it('should let a person pause, resume and stop, each in the audit log under their name', async () => {
    await service.create({ ...spec, plan: { schedule: { kind: 'ramp', start: 1, growth: 1, step: '1d', cap: 1 } } }, 'U1');
    await service.start('spring', 'U1');
    expect(await service.pause('spring', 'U2', 'checking the copy')).toMatchObject({ ok: true, value: { status: 'paused', pause: { reason: 'manual' } } });
    expect(await service.pause('spring', 'U2')).toMatchObject({ ok: false, problem: 'illegal-transition' });
    expect(await service.resume('spring', 'U3')).toMatchObject({ ok: true, value: { status: 'running' } });
    expect(await service.stop('spring', 'U4', 'wrong audience')).toMatchObject({ ok: true, value: { status: 'stopped' } });
    expect((await service.whenDone('spring'))?.status).toBe('stopped');
    const audit = (await store.audit.recent(10)).map((a) => `${a.who} ${a.what}`);
    expect(audit).toEqual(expect.arrayContaining(['U2 campaign-paused', 'U3 campaign-resumed', 'U4 campaign-stopped']));
  });
});

describe('webhooks the service handles itself', () => {
  const base = { dedupeKey: 'k', wabaId: '1', at: Date.now() };

  it('should keep number records, quality history and templates up to date', async () => {
    await service.handleWebhookEvent({ ...base, kind: 'number-quality', displayPhoneNumber: '15550100001', event: 'DOWNGRADE', currentLimit: 'TIER_250' });
    await service.handleWebhookEvent({ ...base, kind: 'number-quality', displayPhoneNumber: '15550100001', event: 'FLAGGED' });
    expect(await store.numbers.get('101')).toMatchObject({ tier: 'TIER_250', status: 'FLAGGED', quality: 'LOW' });
    expect(await store.quality.list({ subject: 'number' })).toEqual([expect.objectContaining({ id: '101', from: 'HIGH', to: 'LOW' })]);
    await service.handleWebhookEvent({ ...base, kind: 'template-status', name: 'order_update', language: 'en_US', event: 'PAUSED' });
    expect((await store.templates.get('order_update', 'en_US'))?.status).toBe('PAUSED');
    expect(await service.create(spec, 'U1')).toMatchObject({ ok: true });
    expect(await service.start('spring', 'U1')).toMatchObject({ ok: false, message: expect.stringContaining('is PAUSED') });
    expect(notices.map((n) => n.kind)).toEqual(['number-alert', 'number-alert', 'template-alert']);
  });

  it('should opt a person out when no campaign is running to take the STOP', async () => {
    const stop: WebhookEvent = { ...base, kind: 'message', phoneNumberId: '101', messageId: 'wamid.in', from: people[0]!, type: 'text', text: 'STOP', optOut: true };
    await service.handleWebhookEvent(stop);
    expect((await store.contacts.get(people[0]!))?.optOut).toMatchObject({ via: 'keyword', text: 'STOP' });
    expect(await store.audit.recent(1)).toEqual([expect.objectContaining({ who: 'webhook', what: 'contact-opted-out' })]);
  });

  it('should apply a late status to a campaign that ended before a restart', async () => {
    await service.create(spec, 'U1');
    await service.start('spring', 'U1');
    await service.whenDone('spring');
    await service.close();
    await store.close();
    service = await open();
    const sendId = `spring.${people[0]}.m1.1`;
    await service.handleWebhookEvent({ ...base, kind: 'status', phoneNumberId: '101', wamid: `wamid.${sendId}`, status: 'failed', recipientId: people[0]!, callbackData: sendId, errors: [{ code: 131049 }] });
    const report = await service.status('spring');
    expect(report.ok && report.value.deliveryFailed).toEqual([expect.objectContaining({ metaCode: 131049, count: 1 })]);
  });
});
