/**
 * The number's quality falls to LOW in the middle of a campaign (the sandbox drives it, as Meta's
 * rating would): the phone_number_quality_update webhook comes in signed, goes through the durable
 * inbox to the runner, and the campaign stops itself within one pacing step, with an alert that
 * says why. Under meta-2023 a LOW rating FLAGS the number, which is what the webhook reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../../core/runner-ports.ts';
import { ORDER_UPDATE_COMPONENTS, startRig, until, type Rig } from './campaign-fixtures.ts';

const MPS = 100;
let rig: Rig;
let numberId: string;
const notices: Notice[] = [];
let acceptedAtPause = -1;
let drivenAt = 0;
let pausedAt = 0;

beforeAll(async () => {
  rig = await startRig({
    recipients: 1_000, mps: MPS, policy: 'meta-2023',
    sandbox: { numbers: [{ throughputMps: 200, tier: 'TIER_10K', quality: 'HIGH' }], world: { audience: 'silent', policy: 'meta-2023', sentAfter: 5, model: { delivery: { latency: 15 } } } },
    notifier: {
      notify: (n) => {
        notices.push(n);
        if (n.kind === 'campaign-paused') {
          acceptedAtPause = rig.sandbox.stats().world.accepted;
          pausedAt = performance.now();
        }
      },
    },
  });
  numberId = rig.sandbox.phoneNumbers[0]!.id;
  const { service } = rig.worker;
  await service.create({
    id: 'safety', name: 'Safety', template: 'order_update', audience: 'customers', numbers: [numberId], plan: { schedule: { kind: 'burst' } }, components: ORDER_UPDATE_COMPONENTS,
  }, 'U-TEST');
  await service.start('safety', 'U-TEST');
  await until(() => rig.sandbox.stats().world.accepted >= 250 || undefined, 10_000, '250 sends');
  drivenAt = performance.now();
  rig.sandbox.driveQuality(numberId, 'LOW');
  await until(async () => (await service.get('safety'))?.status === 'paused' || undefined, 5_000, 'the pause');
  // Anything already on its way settles; nothing new may start.
  await new Promise((r) => setTimeout(r, 1_500));
}, 30_000);

afterAll(async () => {
  await rig?.close();
});

describe('the number\'s quality falls to LOW mid-campaign', () => {
  it('should pause the campaign with the reason in the alert', async () => {
    const campaign = await rig.worker.service.get('safety');
    expect(campaign?.pause).toMatchObject({ reason: 'quality-drop', detail: `number ${numberId} quality fell from HIGH to LOW` });
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'campaign-paused', campaignId: 'safety', reason: 'quality-drop', detail: expect.stringContaining('LOW') }));
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'number-alert', numberId, what: 'flagged' }));
  });

  it('should stop within one pacing step: at most one tick of sends after the alert, none after that', () => {
    expect(pausedAt - drivenAt).toBeLessThan(1_000);
    const after = rig.sandbox.stats().world.accepted - acceptedAtPause;
    expect(after).toBeLessThanOrEqual(MPS);
    expect(rig.sandbox.stats().world.accepted).toBeLessThan(1_000);
  });

  it('should record the number FLAGGED at LOW, its quality history, and who paused in the audit log', async () => {
    const { store } = rig.worker;
    expect(await store.numbers.get(numberId)).toMatchObject({ status: 'FLAGGED', quality: 'LOW' });
    expect(await store.quality.list({ subject: 'number', id: numberId })).toEqual([expect.objectContaining({ from: 'HIGH', to: 'LOW' })]);
    const audit = await store.audit.recent(20);
    expect(audit).toContainEqual(expect.objectContaining({ who: 'runner', what: 'campaign-paused', details: expect.objectContaining({ campaignId: 'safety', reason: 'quality-drop' }) }));
    expect(audit).toContainEqual(expect.objectContaining({ who: 'U-TEST', what: 'campaign-started' }));
  });

  it('should stay paused until a person decides, and record who stopped it', async () => {
    const { service, store } = rig.worker;
    expect((await service.pause('safety', 'U-TEST')).ok).toBe(false);
    const stopped = await service.stop('safety', 'U-OPS', 'number flagged');
    expect(stopped.ok && stopped.value.status).toBe('stopped');
    expect(await store.audit.recent(5)).toContainEqual(expect.objectContaining({ who: 'U-OPS', what: 'campaign-stopped', details: expect.objectContaining({ reason: 'number flagged' }) }));
    expect(rig.sandbox.duplicates()).toEqual([]);
  });
});
