/**
 * The driver over fake ports, with fast-check's scheduler choosing the order in which send
 * answers, webhooks (duplicated, out of order, some by callback data only) and wake-ups resolve.
 * Whatever the interleaving, the ledger's invariants hold, every send's intent was durable before
 * the request left, and no (recipient, message) is accepted twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CampaignLedger, CampaignRunner, LimitHolder, applyCampaignTransition, classifyMetaError, createCampaign, createPhoneNumber, driveCampaign,
  getPolicy, keyId, type DeliveryStatus, type LedgerEntry, type PlanSchedule, type RunnerClock, type SendRequest, type SendResult,
} from '../../core/index.ts';
import { T0, optedIn, waIdOf } from './runner-harness.ts';

type Answer = 'accepted' | 'not-sent' | 'maybe-sent' | 130429 | 131026 | 131049;

const answerArb = fc.constantFrom<Answer>('accepted', 'accepted', 'accepted', 'not-sent', 'maybe-sent', 130429, 131026);
const hookArb = fc.record({ status: fc.constantFrom<DeliveryStatus>('sent', 'delivered', 'read', 'failed'), byCallbackOnly: fc.boolean(), duplicate: fc.boolean(), code: fc.constantFrom(131049, 131026, 131000) });
const planArb = fc.constantFrom<PlanSchedule>({ kind: 'burst' }, { kind: 'ramp', start: 3, growth: 2, step: 60_000, cap: 10 }, { kind: 'script', sends: [{ at: 0, count: 6, over: 120_000 }] });

describe('driving a campaign under any interleaving', () => {
  it('should keep the ledger invariants, write intents first and accept each message at most once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), planArb, fc.array(answerArb, { minLength: 1, maxLength: 12 }), fc.array(hookArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 12 }), async (s, schedule, answers, hooks, recipients) => {
        const policy = getPolicy('meta-2025-10');
        const ledger = new CampaignLedger();
        const holders = new Map([['p', new LimitHolder(policy, { holderId: 'p', at: T0 - 1, tier: 'TIER_2K', quality: 'HIGH' })]]);
        const numbers = [createPhoneNumber({ id: 'n1', role: 'campaign', tier: 'TIER_2K' })];
        const campaign = applyCampaignTransition(createCampaign({ id: 'c1', name: 'x', template: { name: 'promo', language: 'en_US' }, audience: 'a', from: ['n1'], plan: 'p', createdAt: T0 }), { kind: 'start' }, T0).campaign;
        const runner = new CampaignRunner({
          campaign, schedule, numbers, holders, holderOf: () => 'p', ledger, options: { maxFailureShare: 1, maybeSentTimeout: 120_000, deliveryWait: 60_000 },
          recipients: Array.from({ length: recipients }, (_, i) => ({ waId: waIdOf(i), contact: optedIn(waIdOf(i)) })),
          message: () => ({ name: 'promo', language: { code: 'en_US' } }),
        });

        let t = T0;
        let waker: (() => void) | undefined;
        const clock: RunnerClock = {
          now: () => t,
          sleepUntil: (at) => {
            if (!Number.isFinite(at)) return new Promise<void>((resolve) => { waker = resolve; });
            return s.schedule(Promise.resolve(), `sleep→${at - T0}`).then(() => { t = Math.max(t, at); });
          },
          wake: () => { const w = waker; waker = undefined; w?.(); },
        };
        const stored = new Map<string, LedgerEntry>();
        const acceptedPerKey = new Map<string, number>();
        let n = 0;
        const driverRef: { current?: ReturnType<typeof driveCampaign> } = {};
        const sender = {
          send: async (req: SendRequest): Promise<SendResult> => {
            // Write-ahead: the intent for this very send is durable before the request leaves.
            const row = [...stored.values()].find((e) => e.sendIds.includes(req.sendId));
            expect(row?.state).toBe('intent');
            const a = answers[n++ % answers.length]!;
            const result: SendResult = a === 'accepted' ? { kind: 'accepted', wamid: `wamid.${req.sendId}`, held: false }
              : a === 'not-sent' ? { kind: 'not-sent', reason: 'ECONNREFUSED' }
              : a === 'maybe-sent' ? { kind: 'maybe-sent', reason: 'timeout' }
              : { kind: 'rejected', code: a, info: classifyMetaError(a) };
            if (a === 'accepted' || a === 'maybe-sent') {
              const key = `${req.to}/${req.sendId.split('.')[2]}`;
              if (a === 'accepted') acceptedPerKey.set(key, (acceptedPerKey.get(key) ?? 0) + 1);
              for (const h of hooks) {
                const copies = h.duplicate ? 2 : 1;
                for (let c = 0; c < copies; c++) {
                  void s.schedule(Promise.resolve(), `hook ${h.status}`).then(() => driverRef.current?.signal({
                    kind: 'status', at: t, status: h.status, ...(h.byCallbackOnly && a !== 'accepted' ? { sendId: req.sendId } : { wamid: `wamid.${req.sendId}`, sendId: req.sendId }),
                    ...(h.status === 'failed' ? { errors: [{ code: h.code! }] } : {}),
                  }));
                }
              }
            }
            return s.schedule(Promise.resolve(result), `answer ${String(a)}`);
          },
        };
        const driver = driveCampaign(runner, {
          clock, sender, notifier: { notify: () => undefined }, campaigns: { saveCampaign: async () => undefined },
          ledger: { write: async (rows) => { for (const r of rows) stored.set(keyId(r.key), r); }, load: async () => [...stored.values()] },
          concurrency: 3,
        });
        driverRef.current = driver;
        // Let the driver reach its next scheduled await, run what the scheduler picks, repeat until quiet.
        const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
        for (let quiet = 0, i = 0; quiet < 3 && i < 500; i++) {
          await settle();
          if (s.count() === 0) quiet++;
          else { quiet = 0; await s.waitAll(); }
        }
        driver.halt();
        await driver.done;

        expect(n).toBeGreaterThan(0);
        expect(ledger.checkInvariants()).toEqual([]);
        for (const [key, count] of acceptedPerKey) expect(count, key).toBe(1);
        // What the store holds is what the ledger holds: nothing accepted was lost on the way.
        for (const e of ledger.entries('c1')) expect(stored.get(keyId(e.key))?.state).toBe(e.state);
      }),
      { numRuns: 120 },
    );
  });
});

describe('driving a campaign over a store that writes in batches', () => {
  function setup(write: (rows: readonly LedgerEntry[]) => Promise<void>, recipients = 50) {
    const policy = getPolicy('meta-2025-10');
    const holders = new Map([['p', new LimitHolder(policy, { holderId: 'p', at: T0 - 1, tier: 'TIER_2K', quality: 'HIGH' })]]);
    const campaign = applyCampaignTransition(createCampaign({ id: 'c1', name: 'x', template: { name: 'promo', language: 'en_US' }, audience: 'a', from: ['n1'], plan: 'p', createdAt: T0 }), { kind: 'start' }, T0).campaign;
    const runner = new CampaignRunner({
      campaign, schedule: { kind: 'burst' }, numbers: [createPhoneNumber({ id: 'n1', role: 'campaign', tier: 'TIER_2K' })], holders, holderOf: () => 'p',
      ledger: new CampaignLedger(), options: { deliveryWait: 0 }, message: () => ({ name: 'promo', language: { code: 'en_US' } }),
      recipients: Array.from({ length: recipients }, (_, i) => ({ waId: waIdOf(i), contact: optedIn(waIdOf(i)) })),
    });
    let t = T0;
    const clock: RunnerClock = { now: () => t, sleepUntil: async (at) => { t = Math.max(t, Number.isFinite(at) ? at : t + 1); }, wake: () => undefined };
    const durable = new Set<string>();
    const sent: string[] = [];
    const sender = {
      send: async (req: SendRequest): Promise<SendResult> => {
        expect(durable.has(req.sendId), `intent of ${req.sendId} durable before it left`).toBe(true);
        sent.push(req.sendId);
        await new Promise((r) => setTimeout(r, 1));
        return { kind: 'accepted', wamid: `wamid.${req.sendId}`, held: false };
      },
    };
    const driver = driveCampaign(runner, {
      clock, sender, notifier: { notify: () => undefined }, campaigns: { saveCampaign: async () => undefined }, concurrency: 50,
      ledger: { write: async (rows) => { await write(rows); for (const r of rows) if (r.state === 'intent') durable.add(r.sendId); }, load: async () => [] },
    });
    return { driver, sent };
  }

  it('should gather the effects of calls made during a write into the next write', async () => {
    let writes = 0;
    let rows = 0;
    const { driver, sent } = setup(async (r) => { writes++; rows += r.length; await new Promise((res) => setTimeout(res, 5)); });
    expect((await driver.done).status).toBe('completed');
    expect(sent).toHaveLength(50);
    expect(rows).toBeGreaterThanOrEqual(100);
    expect(writes).toBeLessThan(20);
  });

  it('should send nothing more once a write failed, and end with the store\'s error', async () => {
    let writes = 0;
    const { driver, sent } = setup(async () => {
      if (++writes === 3) throw new Error('disk full');
    }, 200);
    await expect(driver.done).rejects.toThrow('disk full');
    const after = sent.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(sent.length).toBe(after);
    await expect(driver.signal({ kind: 'number-quality', at: T0, numberId: 'n1', quality: 'HIGH' })).rejects.toThrow('disk full');
  });
});
