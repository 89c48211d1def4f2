/**
 * A campaign against the sandbox over loopback HTTP while it misbehaves: 5xx with and without
 * Meta's body, timeouts and resets after the message was taken, a timeout before it was, 130429
 * and 131049. Each recipient must end with the outcome its fault calls for, nobody may be sent the
 * same message twice, and the sandbox must never see more than the client's configured rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEntry, LedgerEntry } from '../../../core/ledger-entry.ts';
import { HOUR } from '../../../core/time.ts';
import { WallClock } from '../../../bot/campaigns/wall-clock.ts';
import { seedStore, startWorker, type Worker } from '../../../stress/campaign-rig.ts';
import { spawnSandbox, type SandboxProcess } from '../../../stress/sandbox-process.ts';
import type { RecipientCount } from '../../../simulator/sandbox/send-ledger.ts';
import { ORDER_UPDATE_COMPONENTS, until, waIds } from './campaign-fixtures.ts';

const MPS = 50;
const people = waIds(100);
const r = (i: number) => people[i]!;
let sandbox: SandboxProcess;
let worker: Worker;
let dir: string;
let rows: Map<string, LedgerEntry>;
let received: Record<string, RecipientCount>;
const row = (i: number, key = 'm1') => rows.get(`${r(i)}/${key}`);

beforeAll(async () => {
  // The sandbox in a process of its own: it times arrivals on an event loop the campaign does not share.
  sandbox = await spawnSandbox({
    seed: 11, numbers: [{ throughputMps: 80, tier: 'TIER_10K' }], webhook: { batchMs: 5, retry: { baseMs: 50, factor: 2, maxAttempts: 12 } },
    world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 15 } } },
  });
  dir = mkdtempSync(join(tmpdir(), 'campaign-faults-'));
  const clock = new WallClock();
  worker = await startWorker({
    dataDir: join(dir, 'data'), sandbox, clock, clientMps: MPS, requestTimeoutMs: 600,
    prepare: (store) => seedStore(store, sandbox, { recipients: people, tier: 'TIER_10K', throughputMps: MPS, at: clock.now() }),
  });
  await sandbox.setFaults({
    rules: [
      { kind: 'http-5xx', to: [r(0), r(1)], times: 2 },
      { kind: 'http-5xx', to: [r(2)], metaBody: false, processed: true, times: 1 },
      { kind: 'timeout', to: [r(3)], processed: true, holdMs: 2_000, times: 1 },
      { kind: 'reset', to: [r(4)], processed: true, times: 1 },
      { kind: 'error', code: 130429, to: [r(5), r(6)], times: 2 },
      { kind: 'error', code: 131049, to: [r(7), r(8)], times: 2 },
      { kind: 'timeout', to: [r(9)], processed: false, holdMs: 2_000, times: 1 },
      { kind: 'reset', probability: 0.05, processed: true, times: 4 },
      { kind: 'http-5xx', probability: 0.05, times: 4 },
    ],
  });
  const { service } = worker;
  const created = await service.create({
    id: 'faults', name: 'Faults', template: 'order_update', audience: 'customers', numbers: [sandbox.phoneNumbers[0]!.id],
    plan: { schedule: { kind: 'burst' } }, components: ORDER_UPDATE_COMPONENTS,
  }, 'U-TEST');
  expect(created.ok).toBe(true);
  expect((await service.start('faults', 'U-TEST')).ok).toBe(true);
  const progress = async () => {
    const s = await service.status('faults');
    return s.ok ? { sent: s.value.sent, delivered: s.value.delivered, waiting: s.value.waiting, inFlight: s.value.inFlight } : s;
  };
  // First pass: everything settled but the 131049 follow-ups (due in 24 h) and the send lost before Meta took it.
  await until(async () => {
    const p = await progress();
    return 'sent' in p && p.sent === 99 && p.delivered === 97 && p.waiting === 2 && p.inFlight === 1;
  }, 30_000, 'the first pass to settle', progress);
  // A day later: the follow-ups are due, and the lost send has waited its hour for a status.
  clock.skip(25 * HOUR);
  expect((await service.whenDone('faults'))?.status).toBe('completed');
  await until(async () => { const p = await progress(); return 'delivered' in p && p.delivered === 99; }, 10_000, 'the follow-ups delivered', progress);
  rows = new Map((await worker.store.ledger.load('faults')).map((e) => [`${e.key.waId}/${e.key.messageKey}`, e]));
  received = await sandbox.received();
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a campaign under injected faults', () => {
  it('should send nobody the same message twice, as the sandbox counts it', async () => {
    expect(await sandbox.duplicates()).toEqual([]);
    for (let i = 0; i < 100; i++) {
      const expected = i === 9 ? 0 : i === 7 || i === 8 ? 2 : 1;
      expect(received[r(i)]?.accepted ?? 0, `recipient ${i}`).toBe(expected);
    }
  });

  it('should retry what Meta refused with a 5xx body or 130429, and end them sent', () => {
    for (const i of [0, 1, 5, 6]) {
      expect(row(i)?.state, `recipient ${i}`).toBe('accepted');
      expect(row(i)!.attempts, `recipient ${i}`).toBe(2);
    }
  });

  it('should reconcile sends whose answer was lost (5xx without body, timeout, reset) through their callback data, never resending them', () => {
    for (const i of [2, 3, 4]) {
      expect(row(i)).toMatchObject({ state: 'accepted', attempts: 1 });
      expect(received[r(i)]).toEqual({ accepted: 1, requests: 1 });
    }
  });

  it('should report the send that timed out before Meta took it as unknown, not send it again', () => {
    expect(row(9)).toMatchObject({ state: 'unknown', attempts: 1 });
    expect(received[r(9)]).toEqual({ accepted: 0, requests: 1 });
  });

  it('should follow up a 131049 no sooner than 24 h later, as a new message that is delivered', () => {
    for (const i of [7, 8]) {
      const first = row(i) as AcceptedEntry;
      expect(first.delivery).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 131049 })] });
      const followUp = row(i, 'm1~1') as AcceptedEntry;
      expect(followUp.state).toBe('accepted');
      expect(followUp.delivery.status).toBe('delivered');
      expect(followUp.acceptedAt - first.acceptedAt).toBeGreaterThanOrEqual(24 * HOUR);
    }
  });

  it('should end every other recipient sent and delivered', () => {
    const others = people.map((_, i) => i).filter((i) => i > 9);
    for (const i of others) expect((row(i) as AcceptedEntry).delivery.status, `recipient ${i}`).toBe('delivered');
  });

  it('should never exceed the client\'s configured rate in any second, as the sandbox measures it', async () => {
    const rate = (await sandbox.rate())[sandbox.phoneNumbers[0]!.id]!;
    expect(rate.accepted).toBe(101);
    expect(rate.maxPerSecond).toBeLessThanOrEqual(MPS);
  });

  it('should report the outcomes by reason with core\'s explanations', async () => {
    const s = await worker.service.status('faults');
    if (!s.ok) throw new Error(s.message);
    expect(s.value).toMatchObject({ audience: 100, sent: 101, unknown: 1, failed: [] });
    expect(s.value.deliveryFailed).toEqual([expect.objectContaining({ metaCode: 131049, count: 2, reason: 'retry-later', explanation: expect.stringContaining('24 hours') })]);
  });
});
