import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendLedger } from '../../../simulator/sandbox/send-ledger.ts';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import { post, seedBodies } from './helpers.ts';

let sb: Sandbox;
let path: string;
beforeAll(async () => {
  sb = await startSandbox({ seed: 51, numbers: [{ throughputMps: 1000 }], world: { audience: 'silent' } });
  path = `/v23.0/${sb.phoneNumbers[0]!.id}/messages`;
});
afterAll(() => sb.close());

describe('sandbox ledger: what was received and accepted', () => {
  it('should count requests and accepted sends per recipient, over HTTP and in-process', async () => {
    await post(sb.baseUrl, path, sb.token, { ...seedBodies('966501000001').text, biz_opaque_callback_data: 'c-1' });
    await post(sb.baseUrl, path, sb.token, { ...seedBodies('966501000001').location, biz_opaque_callback_data: 'c-2' });
    await post(sb.baseUrl, path, sb.token, { ...seedBodies('966501000002').text, template: { name: 'nope', language: { code: 'en_US' } } });
    const overHttp = await (await fetch(`${sb.baseUrl}/_sandbox/received`)).json();
    expect(overHttp).toEqual({ 966501000001: { accepted: 2, requests: 2 }, 966501000002: { accepted: 0, requests: 1 } });
    expect(sb.received()).toEqual(overHttp);
  });

  it('should count per callback data and report a duplicate send', async () => {
    await post(sb.baseUrl, path, sb.token, { ...seedBodies('966501000003').text, biz_opaque_callback_data: 'dup-1' });
    await new Promise((r) => setTimeout(r, 0));
    await post(sb.baseUrl, path, sb.token, { ...seedBodies('966501000003').text, biz_opaque_callback_data: 'dup-1' });
    expect(sb.receivedByCallbackData()['dup-1']).toEqual({ accepted: 2, requests: 2, waIds: ['966501000003'] });
    const dupes = await (await fetch(`${sb.baseUrl}/_sandbox/duplicates`)).json() as { duplicates: unknown[] };
    expect(dupes.duplicates).toEqual([{ waId: '966501000003', key: 'dup-1', accepted: 2 }]);
    expect(await (await fetch(`${sb.baseUrl}/_sandbox/received/callbacks`)).json()).toMatchObject({ 'dup-1': { accepted: 2 } });
  });

  it('should take the same template and parameters to the same person, without callback data, as a duplicate', async () => {
    const { biz_opaque_callback_data: _cb, ...plain } = { ...seedBodies('966501000004').interactive, biz_opaque_callback_data: undefined };
    await post(sb.baseUrl, path, sb.token, plain);
    await post(sb.baseUrl, path, sb.token, plain);
    expect(sb.duplicates()).toContainEqual({ waId: '966501000004', key: expect.stringMatching(/^template:order_update_buttons:en_US:/), accepted: 2 });
  });

  it('should report the most sends accepted in any second, per number', async () => {
    const stats = await (await fetch(`${sb.baseUrl}/_sandbox/rate`)).json() as Record<string, { accepted: number; maxPerSecond: number; maxPerVirtualSecond: number }>;
    const mine = stats[sb.phoneNumbers[0]!.id]!;
    expect(mine.accepted).toBe(sb.stats().world.accepted);
    expect(mine.maxPerSecond).toBe(mine.accepted);
    expect(mine.maxPerVirtualSecond).toBe(mine.accepted);
  });

  it('should answer 404 for an unknown control route and 400 for a bad control body', async () => {
    expect((await fetch(`${sb.baseUrl}/_sandbox/nothing`)).status).toBe(404);
    expect((await fetch(`${sb.baseUrl}/_sandbox/quality`, { method: 'POST', body: '{"numberId":"1"}' })).status).toBe(400);
    expect((await fetch(`${sb.baseUrl}/_sandbox/quality`, { method: 'POST', body: JSON.stringify({ numberId: sb.phoneNumbers[0]!.id, quality: 'PURPLE' }) })).status).toBe(400);
  });
});

describe('send ledger: sliding 1-second maximum', () => {
  it('should equal the brute-force maximum over every window (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 200 }), (gaps) => {
      const ledger = new SendLedger();
      let t = 0;
      const times: number[] = [];
      for (const g of gaps) {
        t += g;
        times.push(t);
        ledger.recordAccepted({ numberId: 'n', waId: 'w', key: String(t), realAt: t, virtualAt: t * 2 });
      }
      const brute = (span: number, scale: number) => Math.max(0, ...times.map((end) => times.filter((x) => x * scale > end * scale - span && x <= end).length));
      const r = ledger.rate().n;
      expect(r?.maxPerSecond ?? 0).toBe(brute(1000, 1));
      expect(r?.maxPerVirtualSecond ?? 0).toBe(brute(1000, 2));
    }), { numRuns: 150 });
  });
});
