import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { SlotSchedule, ThroughputLimiter } from '../../../bot/whatsapp/throughput-limiter.ts';
import { CoreError } from '../../../core/errors.ts';
import { CATALOG, PNID, SEED_SENDS, TOKEN, accepted } from './graph-fixtures.ts';

/** Drive a schedule the way `acquire` does: reserve at request time, wake (maybe late), wait out the window, commit. */
function drive(schedule: SlotSchedule, requests: readonly { at: number; late: number }[]): { slots: number[]; starts: number[] } {
  const slots: number[] = [];
  const starts: number[] = [];
  let clock = 0;
  for (const r of requests) {
    clock = Math.max(clock, r.at);
    slots.push(schedule.reserve(clock));
  }
  let t = 0;
  slots.forEach((slot, i) => {
    t = Math.max(t, slot + requests[i]!.late);
    for (let w = schedule.windowWait(t); w > 0; w = schedule.windowWait(t)) t += Math.max(w, 1e-6);
    schedule.commit(t);
    starts.push(t);
  });
  return { slots, starts };
}

/** Most starts seen in any half-open window of `width` ms. */
function maxInWindow(sortedTimes: readonly number[], width: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < sortedTimes.length; i++) {
    while (sortedTimes[i]! - sortedTimes[j]! >= width) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const scheduleArb = fc.integer({ min: 1, max: 1000 }).chain((mps) => fc.record({ mps: fc.constant(mps), burst: fc.integer({ min: 1, max: mps }) }));
const requestsArb = fc.array(fc.record({ gap: fc.nat({ max: 50 }), late: fc.oneof(fc.constant(0), fc.nat({ max: 30 })) }), { minLength: 1, maxLength: 2500 })
  .map((rs) => {
    let at = 0;
    return rs.map((r) => ({ at: (at += r.gap === 50 ? 0 : r.gap % 3), late: r.late }));
  });

describe('slot schedule (token bucket + sliding window)', () => {
  it('should never start more than mps sends in any 1,000 ms, however late senders wake', () => {
    fc.assert(fc.property(scheduleArb, requestsArb, ({ mps, burst }, requests) => {
      const { starts } = drive(new SlotSchedule(mps, burst), requests);
      expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(Math.floor(mps));
    }), { numRuns: 200 });
  });

  it('should hand out slots in request order, never before the request', () => {
    fc.assert(fc.property(scheduleArb, requestsArb, ({ mps, burst }, requests) => {
      const { slots } = drive(new SlotSchedule(mps, burst), requests);
      slots.forEach((s, i) => {
        expect(s).toBeGreaterThanOrEqual(requests[i]!.at);
        if (i > 0) expect(s).toBeGreaterThanOrEqual(slots[i - 1]!);
      });
    }), { numRuns: 200 });
  });

  it('should let `burst` sends go at once after an idle spell, then keep the full rate', () => {
    fc.assert(fc.property(scheduleArb, fc.integer({ min: 1, max: 3000 }), ({ mps, burst }, n) => {
      const { starts } = drive(new SlotSchedule(mps, burst), Array.from({ length: n }, () => ({ at: 0, late: 0 })));
      expect(starts.filter((s) => s === 0)).toHaveLength(Math.min(n, burst, Math.floor(mps)));
      const interval = 1000 / mps;
      // The window is held 2 ms past the second, so each full window may add 2 ms.
      const late = starts.findIndex((s, k) => s > k * interval * 1.002 + 1002 + 1e-6);
      expect(late).toBe(-1);
    }), { numRuns: 150 });
  });

  it('should start nothing during a pause and resume at the plain rate, without a burst', () => {
    const schedule = new SlotSchedule(100, 10);
    schedule.pause(5_000);
    const slots = Array.from({ length: 5 }, () => schedule.reserve(1_000));
    expect(slots).toEqual([5_000, 5_010, 5_020, 5_030, 5_040]);
  });

  it('should refuse a rate above Meta\'s 1,000/s ceiling or a bad burst', () => {
    expect(() => new SlotSchedule(1001)).toThrow(CoreError);
    expect(() => new SlotSchedule(0)).toThrow(/messages per second in \(0, 1000\]/);
    expect(() => new SlotSchedule(80, 0)).toThrow(/burst/);
  });
});

describe('throughput limiter', () => {
  it('should send waiters behind a pause that starts while they wait', async () => {
    const limiter = new ThroughputLimiter({ defaultMps: 20, burst: 1 });
    const order: string[] = [];
    await limiter.acquire('n');
    const waiting = limiter.acquire('n').then(() => order.push('waiter'));
    limiter.pauseFor('n', 150);
    const started = performance.now();
    await waiting;
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(order).toEqual(['waiter']);
  });
});

describe('a burst of sends to one number, measured where it arrives', () => {
  const received = new Map<string, number>();
  const left = new Map<string, number>();
  const server = createServer((req, res) => {
    const at = performance.now();
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      received.set(JSON.parse(body).biz_opaque_callback_data, at);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(accepted()));
    });
  });
  const realFetch = globalThis.fetch;
  let lastClockRead = 0;
  const monotonic = () => (lastClockRead = performance.now());
  let baseUrl = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Stamp when each request took its slot: the limiter's last clock read before it calls fetch
    // (nothing runs between the two), to know the delay from slot to arrival in this run.
    globalThis.fetch = ((url: string, init: { body: string }) => {
      left.set(JSON.parse(init.body).biz_opaque_callback_data, lastClockRead);
      return realFetch(url, init as RequestInit);
    }) as typeof fetch;
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const burst = async (client: GraphClient, n: number) => {
    received.clear();
    left.clear();
    return Promise.all(Array.from({ length: n }, (_, i) => client.sendTemplate(PNID, { to: '+966501234567', template: SEED_SENDS.text!, callbackData: `send-${i}` })));
  };
  const sorted = (m: Map<string, number>) => [...m.values()].sort((a, b) => a - b);

  it('should arrive at no more than the configured rate in any second', async () => {
    const client = new GraphClient({ token: TOKEN, templates: CATALOG, baseUrl, throughputMps: 200, monotonic });
    const started = performance.now();
    const outcomes = await burst(client, 300);
    const elapsed = performance.now() - started;
    await client.close();
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(received.size).toBe(300);
    // Slots taken: never more than 200 in any 1,000 ms.
    expect(maxInWindow(sorted(left), 1000)).toBeLessThanOrEqual(200);
    // Arrivals: each comes 0..J ms after its slot (J measured in this run: client and server share
    // one event loop, and a loaded machine stalls it), so any 1,000 − J ms hold at most 200.
    const transit = Math.max(...[...received].map(([id, at]) => at - left.get(id)!));
    expect(transit).toBeLessThan(500);
    expect(maxInWindow(sorted(received), 1000 - transit)).toBeLessThanOrEqual(200);
    // And not faster than the rate allows: 300 sends at 200/s after a 20-send burst take ~1.4 s.
    expect(elapsed).toBeGreaterThan(1_300);
  });

  it('should show the measurement catches an unthrottled burst', async () => {
    const client = new GraphClient({ token: TOKEN, templates: CATALOG, baseUrl, unthrottled: true });
    await burst(client, 300);
    await client.close();
    expect(maxInWindow(sorted(received), 500)).toBeGreaterThan(200);
  });
});
