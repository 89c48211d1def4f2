/**
 * Runs a CampaignRunner on ports until the campaign ends or the caller stops it. The order of
 * effects is the whole safety story: ledger rows are durable before their sends leave; results
 * are written before anything else is decided; a crash at any point leaves rows that say exactly
 * what may have happened.
 *
 * Runner calls are synchronous, so each one is applied at once, whole, in the order the world
 * asked for it. Their effects are made durable in that same order by a group commit: while one
 * write is on its way to disk, the effects of every call made meanwhile gather into the next one
 * (one ledger write, one fsync, the latest campaign record). A caller waits for the write that
 * holds its own effects; sends wait for the write that holds their intents. Since a journal is
 * append-only and written in call order, a crash loses at most a suffix of rows, never a row that
 * a send or an acknowledged webhook depended on.
 */
import type { CampaignRunner, ContactUpdate, Effects } from './campaign-runner.ts';
import type { Campaign } from './campaign.ts';
import type { CampaignStore, LedgerStore, MessageSender, Notifier, RunnerClock, SendRequest } from './runner-ports.ts';
import type { RunnerSignal } from './runner-signal.ts';

export interface RunnerPorts {
  readonly clock: RunnerClock;
  readonly sender: MessageSender;
  readonly ledger: LedgerStore;
  readonly campaigns: CampaignStore;
  readonly notifier: Notifier;
  /** Apply opt-outs and suppressions to the contact registry. */
  readonly contacts?: { apply(updates: readonly ContactUpdate[]): Promise<unknown> };
  /** Requests in flight at once (the client's token bucket does the pacing within a tick). */
  readonly concurrency?: number;
}

export interface CampaignDriver {
  /** Resolves when the campaign has ended or `halt()` was called, once everything decided is durable. */
  readonly done: Promise<Campaign>;
  /** Hand the runner a webhook; resolves once what it changed is durable. */
  signal(signal: RunnerSignal): Promise<void>;
  pause(detail: string, by: string): Promise<void>;
  resume(by: string): Promise<void>;
  stop(by: string, reason: string): Promise<void>;
  /** Stop driving (the process is shutting down); the campaign's state stays as the rows say. */
  halt(): void;
}

interface Waiter { resolve(): void; reject(error: unknown): void }

const isEmpty = (fx: Effects) => fx.writes.length === 0 && fx.campaign === undefined && fx.contactUpdates.length === 0 && fx.notices.length === 0;

export function driveCampaign(runner: CampaignRunner, ports: RunnerPorts): CampaignDriver {
  let halted = false;
  let broken: { error: unknown } | undefined;
  let queued: Effects[] = [];
  let waiting: Waiter[] = [];
  let flushing: Promise<void> | undefined;

  const flushAll = async (): Promise<void> => {
    while (queued.length > 0) {
      const batch = queued;
      const waiters = waiting;
      queued = [];
      waiting = [];
      try {
        if (broken) throw broken.error;
        const writes = batch.flatMap((fx) => fx.writes);
        if (writes.length) await ports.ledger.write(writes);
        const campaign = batch.reduce<Campaign | undefined>((last, fx) => fx.campaign ?? last, undefined);
        if (campaign) await ports.campaigns.saveCampaign(campaign);
        const updates = batch.flatMap((fx) => fx.contactUpdates);
        if (updates.length && ports.contacts) await ports.contacts.apply(updates);
        for (const fx of batch) for (const n of fx.notices) await ports.notifier.notify(n);
        for (const w of waiters) w.resolve();
      } catch (error) {
        // Nothing more may leave once the store failed: every later write is refused too.
        broken ??= { error };
        for (const w of waiters) w.reject(error);
      }
    }
    flushing = undefined;
  };

  /** Resolves once `fx` (and everything decided before it) is durable. */
  const durable = (fx: Effects): Promise<void> => {
    if (broken) return Promise.reject(broken.error);
    if (isEmpty(fx)) return flushing ?? Promise.resolve();
    queued.push(fx);
    const done = new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
    flushing ??= flushAll();
    return done;
  };

  const sendAll = async (sends: readonly SendRequest[]): Promise<void> => {
    const limit = Math.max(1, ports.concurrency ?? 64);
    let i = 0;
    const worker = async () => {
      while (i < sends.length && !broken) {
        const req = sends[i++]!;
        const result = await ports.sender.send(req);
        await durable(runner.onResult(req.sendId, result, ports.clock.now()));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, sends.length) }, worker));
  };

  const loop = async (): Promise<Campaign> => {
    try {
      await durable(runner.recover(ports.clock.now()));
      while (!halted && !runner.finished) {
        const fx = runner.next(ports.clock.now());
        await durable(fx);
        if (fx.sends.length) await sendAll(fx.sends);
        if (broken) throw broken.error;
        if (halted || runner.finished) break;
        if (fx.sends.length && fx.wakeAt !== undefined && fx.wakeAt <= ports.clock.now()) continue;
        await ports.clock.sleepUntil(fx.wakeAt ?? Number.POSITIVE_INFINITY);
      }
    } finally {
      while (flushing) await flushing;
    }
    if (broken) throw broken.error;
    return runner.campaign;
  };

  const act = async (fx: Effects): Promise<void> => {
    await durable(fx);
    ports.clock.wake();
  };

  return {
    done: loop(),
    signal: (s) => act(runner.onSignal(s, ports.clock.now())),
    pause: (detail, by) => act(runner.pause({ reason: 'manual', detail: `${detail} (by ${by})` }, ports.clock.now())),
    resume: (by) => act(runner.resume(by, ports.clock.now())),
    stop: (by, reason) => act(runner.stop(by, reason, ports.clock.now())),
    halt: () => {
      halted = true;
      ports.clock.wake();
    },
  };
}
