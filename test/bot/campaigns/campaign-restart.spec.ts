/**
 * A campaign survives its process. Stopped cleanly mid-way, a new process resumes it from the
 * journal and finishes it. Killed mid-way (here: the data directory copied at the instant sends
 * stop leaving, which is what a crash leaves on disk, since every write is fsync'd before it is
 * acknowledged), a new process on that copy recovers the sends that were in flight as "maybe
 * sent": it never sends them again, and reports them unknown once no status comes.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSender, SendResult } from '../../../core/runner-ports.ts';
import { JsonlLedger } from '../../../bot/store/ledger-journal.ts';
import { openStore } from '../../../bot/store/store.ts';
import { HOUR } from '../../../core/time.ts';
import { ORDER_UPDATE_COMPONENTS, startRig, until, type Rig } from './campaign-fixtures.ts';

let rig: Rig | undefined;
/** Sends cut off by a simulated crash: released (as not sent) before the dead worker is closed. */
const hung: (() => void)[] = [];
afterEach(async () => {
  for (const release of hung.splice(0)) release();
  await rig?.close();
  rig = undefined;
});

const spec = (numberId: string) => ({
  id: 'restart', name: 'Restart', template: 'order_update', audience: 'customers', numbers: [numberId], plan: { schedule: { kind: 'burst' } }, components: ORDER_UPDATE_COMPONENTS,
});

describe('a campaign across process restarts', () => {
  it('should resume a running campaign from the journal after a clean stop, sending each person once', async () => {
    rig = await startRig({ recipients: 300, mps: 150, sandbox: { numbers: [{ throughputMps: 200, tier: 'TIER_10K' }] } });
    const r = rig;
    await r.worker.service.create(spec(r.sandbox.phoneNumbers[0]!.id), 'U-TEST');
    await r.worker.service.start('restart', 'U-TEST');
    await until(() => r.sandbox.stats().world.accepted >= 100 || undefined, 10_000, '100 sends');
    await r.worker.close();
    const between = await openStore({ dataDir: r.dataDir });
    expect((await between.campaigns.get('restart'))?.status).toBe('running');
    const sentBefore = (await between.ledger.load('restart')).filter((e) => e.state === 'accepted').length;
    await between.close();
    expect(sentBefore).toBeGreaterThanOrEqual(100);
    expect(sentBefore).toBeLessThan(300);

    const second = await r.reopen();
    const done = await second.service.whenDone('restart');
    expect(done?.status).toBe('completed');
    expect(r.sandbox.duplicates()).toEqual([]);
    expect(Object.values(r.sandbox.received()).map((c) => c.accepted)).toEqual(Array(300).fill(1));
    const status = await second.service.status('restart');
    expect(status.ok && { sent: status.value.sent, unknown: status.value.unknown }).toEqual({ sent: 300, unknown: 0 });
    expect(await second.store.audit.recent(10)).toContainEqual(expect.objectContaining({ who: 'runner', what: 'campaign-recovered' }));
  }, 30_000);

  it('should never resend what was in flight at a crash, and report what no status confirms as unknown', async () => {
    let crashDir = '';
    let sent = 0;
    const killSwitch = (sender: MessageSender): MessageSender => ({
      send(request) {
        if (crashDir === '' && sent >= 120) {
          // The crash: the process stops answering at once, and what is on disk now is all a new
          // process finds (cpSync blocks, so nothing else is written meanwhile).
          rig!.worker.receiver.server.closeAllConnections();
          rig!.worker.receiver.server.close();
          crashDir = join(rig!.dir, 'after-crash');
          cpSync(rig!.dataDir, crashDir, { recursive: true });
        }
        if (crashDir !== '') return new Promise<SendResult>((resolve) => hung.push(() => resolve({ kind: 'not-sent', reason: 'process gone' })));
        sent++;
        return sender.send(request);
      },
    });
    rig = await startRig({ recipients: 300, mps: 150, sandbox: { numbers: [{ throughputMps: 200, tier: 'TIER_10K' }] }, wrapSender: killSwitch });
    const r = rig;
    await r.worker.service.create(spec(r.sandbox.phoneNumbers[0]!.id), 'U-TEST');
    await r.worker.service.start('restart', 'U-TEST');
    await until(() => crashDir !== '' || undefined, 20_000, 'the crash');

    const inFlightAtCrash = (await new JsonlLedger(crashDir).load('restart')).filter((e) => e.state === 'intent').map((e) => e.key.waId);
    const second = await r.reopen(crashDir);
    expect(inFlightAtCrash.length).toBeGreaterThan(0);
    // Sends in flight at the crash that reached Meta are confirmed by their (redelivered) status webhooks;
    // the rest wait for a status that never comes. An hour later they are reported unknown.
    const reachedMeta = (waId: string) => (r.sandbox.received()[waId]?.accepted ?? 0) > 0;
    const progress = async () => {
      const s = await second.service.status('restart');
      return { lost: inFlightAtCrash.filter((w) => !reachedMeta(w)).length, ...(s.ok ? { sent: s.value.sent, inFlight: s.value.inFlight, waiting: s.value.waiting } : {}) };
    };
    await until(async () => {
      const p = await progress();
      return p.lost > 0 && p.sent === 300 - p.lost && p.inFlight === p.lost;
    }, 30_000, 'everything but the cut-off sends', progress);
    r.clock.skip(2 * HOUR);
    expect((await second.service.whenDone('restart'))?.status).toBe('completed');

    const received = r.sandbox.received();
    const cutOff = new Set(inFlightAtCrash.filter((w) => !reachedMeta(w)));
    expect(r.sandbox.duplicates()).toEqual([]);
    for (const waId of r.recipients) expect(received[waId]?.accepted ?? 0, waId).toBe(cutOff.has(waId) ? 0 : 1);
    const rows = await second.store.ledger.load('restart');
    expect(rows.filter((e) => e.state === 'unknown').map((e) => e.key.waId).sort()).toEqual([...cutOff].sort());
    expect(rows.filter((e) => e.state !== 'unknown' && e.state !== 'accepted')).toEqual([]);
    expect(second.notices.filter((n) => n.kind === 'outcome-unknown')).toHaveLength(cutOff.size);
  }, 60_000);
});
