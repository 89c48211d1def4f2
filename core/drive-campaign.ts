/**
 * Runs a CampaignRunner on ports until the campaign ends or the caller stops it. The order of
 * effects is the whole safety story: ledger rows are durable before their sends leave; results
 * are written before anything else is decided; a crash at any point leaves rows that say exactly
 * what may have happened.
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
  readonly contacts?: { apply(updates: readonly ContactUpdate[]): Promise<void> };
  /** Requests in flight at once (the client's token bucket does the pacing within a tick). */
  readonly concurrency?: number;
}

export interface CampaignDriver {
  /** Resolves when the campaign has ended or `halt()` was called. */
  readonly done: Promise<Campaign>;
  /** Hand the runner a webhook; applied between steps, never in the middle of one. */
  signal(signal: RunnerSignal): Promise<void>;
  pause(detail: string, by: string): Promise<void>;
  resume(by: string): Promise<void>;
  stop(by: string, reason: string): Promise<void>;
  /** Stop driving (the process is shutting down); the campaign's state stays as the rows say. */
  halt(): void;
}

export function driveCampaign(runner: CampaignRunner, ports: RunnerPorts): CampaignDriver {
  let halted = false;
  let chain: Promise<unknown> = Promise.resolve();
  // One thing at a time: steps, results and signals are applied in order, never interleaved.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const persist = async (fx: Effects): Promise<void> => {
    if (fx.writes.length) await ports.ledger.write(fx.writes);
    if (fx.campaign) await ports.campaigns.saveCampaign(fx.campaign);
    if (fx.contactUpdates.length && ports.contacts) await ports.contacts.apply(fx.contactUpdates);
    for (const n of fx.notices) await ports.notifier.notify(n);
  };

  const sendAll = async (sends: readonly SendRequest[]): Promise<void> => {
    const limit = Math.max(1, ports.concurrency ?? 64);
    let i = 0;
    const worker = async () => {
      while (i < sends.length) {
        const req = sends[i++]!;
        const result = await ports.sender.send(req);
        await serial(async () => persist(runner.onResult(req.sendId, result, ports.clock.now())));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, sends.length) }, worker));
  };

  const loop = async (): Promise<Campaign> => {
    await serial(async () => persist(runner.recover(ports.clock.now())));
    while (!halted && !runner.finished) {
      const fx = await serial(async () => {
        const step = runner.next(ports.clock.now());
        await persist(step);
        return step;
      });
      if (fx.sends.length) await sendAll(fx.sends);
      if (halted || runner.finished) break;
      if (fx.sends.length && fx.wakeAt !== undefined && fx.wakeAt <= ports.clock.now()) continue;
      await ports.clock.sleepUntil(fx.wakeAt ?? Number.POSITIVE_INFINITY);
    }
    return runner.campaign;
  };

  const act = (fn: () => Effects) => serial(async () => {
    await persist(fn());
    ports.clock.wake();
  });

  return {
    done: loop(),
    signal: (s) => act(() => runner.onSignal(s, ports.clock.now())),
    pause: (detail, by) => act(() => runner.pause({ reason: 'manual', detail: `${detail} (by ${by})` }, ports.clock.now())),
    resume: (by) => act(() => runner.resume(by, ports.clock.now())),
    stop: (by, reason) => act(() => runner.stop(by, reason, ports.clock.now())),
    halt: () => {
      halted = true;
      ports.clock.wake();
    },
  };
}
