import { afterEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../../core/errors.ts';
import { parseFaults } from '../../../simulator/sandbox/faults.ts';
import type { SandboxOptions } from '../../../simulator/sandbox/sandbox-options.ts';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import { get, recipients, seedBodies, startReceiver, type Receiver } from './helpers.ts';

const SECRET = 'fault-secret';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(faults: unknown, extra: SandboxOptions = {}): Promise<{ sb: Sandbox; rx: Receiver; send: (to: string, init?: RequestInit) => Promise<Response> }> {
  const rx = await startReceiver(SECRET);
  const sb = await startSandbox({
    seed: 31, appSecret: SECRET, webhookUrl: rx.url, faults: faults as object, webhook: { batchMs: 1 },
    world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 60 } } }, ...extra,
  });
  open.push(sb, rx);
  const path = `${sb.baseUrl}/v23.0/${sb.phoneNumbers[0]!.id}/messages`;
  const send = (to: string, init: RequestInit = {}) => fetch(path, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sb.token}` },
    body: JSON.stringify({ ...seedBodies(to).text, biz_opaque_callback_data: `cb-${to}` }), ...init,
  });
  return { sb, rx, send };
}

describe('sandbox faults: server errors', () => {
  it('should answer a 500 with a Meta body and not process the send', async () => {
    const { sb, send } = await setup({ rules: [{ kind: 'http-5xx', nth: [1] }] });
    const res = await send('966501000001');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(131000);
    expect(sb.received()['966501000001']).toEqual({ accepted: 0, requests: 1 });
    expect((await send('966501000002')).status).toBe(200);
  });

  it('should answer a 503 without a Meta body after processing the send: the dangerous case', async () => {
    const { sb, rx, send } = await setup({ rules: [{ kind: 'http-5xx', status: 503, metaBody: false, processed: true, nth: [1] }] });
    const res = await send('966501000003');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(sb.received()['966501000003']).toEqual({ accepted: 1, requests: 1 });
    const sent = await rx.waitFor(() => rx.statuses().find((s) => s.biz_opaque_callback_data === 'cb-966501000003'));
    expect(sent.status).toBe('sent');
  });
});

describe('sandbox faults: timeouts and resets', () => {
  it('should hold the response of a processed send until the client gives up, and deliver it anyway', async () => {
    const { sb, rx, send } = await setup({ rules: [{ kind: 'timeout', processed: true, nth: [1] }] });
    await expect(send('966501000004', { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(sb.received()['966501000004']).toEqual({ accepted: 1, requests: 1 });
    await rx.waitFor(() => rx.statuses().find((s) => s.biz_opaque_callback_data === 'cb-966501000004' && s.status === 'delivered'));
  });

  it('should hold the response of an unprocessed send, which nobody ever receives', async () => {
    const { sb, send } = await setup({ rules: [{ kind: 'timeout', holdMs: 100, nth: [1] }] });
    await expect(send('966501000005')).rejects.toThrow();
    expect(sb.received()['966501000005']).toEqual({ accepted: 0, requests: 1 });
    expect(sb.stats().world.accepted).toBe(0);
  });

  it('should reset the connection after reading the request, processed or not', async () => {
    const { sb, send } = await setup({ rules: [{ kind: 'reset', processed: true, to: ['966501000006'] }, { kind: 'reset', to: ['+966501000007'] }] });
    const error = await send('966501000006').then(() => undefined, (e: unknown) => e as Error & { cause?: { code?: string } });
    expect(error?.cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await expect(send('966501000007')).rejects.toThrow();
    expect(sb.received()).toMatchObject({ 966501000006: { accepted: 1, requests: 1 }, 966501000007: { accepted: 0, requests: 1 } });
    expect((await send('966501000008')).status).toBe(200);
  });
});

describe('sandbox faults: Meta error codes', () => {
  it.each([130429, 131056, 131048, 132015])('should answer %i in the response without processing the send', async (code) => {
    const { sb, send } = await setup({ rules: [{ kind: 'error', code, nth: [1] }] });
    const res = await send('966501000010');
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(code);
    expect(sb.received()['966501000010']).toEqual({ accepted: 0, requests: 1 });
  });

  it('should deliver an injected 131049 as a failed status webhook, as Meta does', async () => {
    const { sb, rx, send } = await setup({ rules: [{ kind: 'error', code: 131049, nth: [1] }] });
    expect((await send('966501000011')).status).toBe(200);
    const failed = await rx.waitFor(() => rx.statuses().find((s) => s.status === 'failed'));
    expect(failed).toMatchObject({ recipient_id: '966501000011', biz_opaque_callback_data: 'cb-966501000011', errors: [{ code: 131049 }] });
    expect(sb.received()['966501000011']).toEqual({ accepted: 1, requests: 1 });
  });

  it('should slow a response down by the rule\'s delay', async () => {
    const { send } = await setup({ rules: [{ kind: 'slow', delayMs: 120, nth: [1] }] });
    const t0 = performance.now();
    expect((await send('966501000012')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('should inject faults on the read routes when asked', async () => {
    const { sb } = await setup({ rules: [{ kind: 'http-5xx', status: 502, metaBody: false, route: 'reads', nth: [1] }] });
    expect((await get(sb.baseUrl, `/v23.0/${sb.phoneNumbers[0]!.id}`, sb.token)).status).toBe(502);
    expect((await get(sb.baseUrl, `/v23.0/${sb.phoneNumbers[0]!.id}`, sb.token)).status).toBe(200);
  });
});

describe('sandbox faults: webhooks', () => {
  it('should deliver the same signed body twice', async () => {
    const { rx, send } = await setup({ rules: [{ kind: 'duplicate-webhook', nth: [1], gapMs: 5 }] });
    await send('966501000020');
    await rx.waitFor(() => rx.deliveries.length >= 3);
    const [a, b] = rx.deliveries;
    expect(a!.raw.equals(b!.raw)).toBe(true);
    expect(rx.deliveries.every((d) => d.valid)).toBe(true);
  });

  it('should hold a delivery back so a later status overtakes it', async () => {
    const { rx, send } = await setup({ rules: [{ kind: 'out-of-order-webhook', nth: [1], delayMs: 250 }] });
    await send('966501000021');
    await rx.waitFor(() => rx.statuses().length >= 2);
    expect(rx.statuses().map((s) => s.status)).toEqual(['delivered', 'sent']);
  });
});

describe('sandbox faults: control and determinism', () => {
  it('should pick the same requests for the same seed, and others for another seed', async () => {
    const rule = { rules: [{ kind: 'error', code: 130429, probability: 0.5 }] };
    const run = async (seed: number) => {
      const { send } = await setup(rule, { seed });
      const codes: number[] = [];
      for (const to of recipients(24)) codes.push((await send(to)).status);
      return codes.join(',');
    };
    const a = await run(7);
    expect(await run(7)).toBe(a);
    expect(await run(8)).not.toBe(a);
    expect(a).toMatch(/200/);
    expect(a).toMatch(/429/);
  });

  it('should change faults at run time, in-process and over HTTP', async () => {
    const { sb, send } = await setup(undefined);
    expect((await send('966501000030')).status).toBe(200);
    sb.setFaults({ rules: [{ kind: 'error', code: 130429, times: 1 }] });
    expect((await send('966501000031')).status).toBe(429);
    expect((await send('966501000032')).status).toBe(200);
    const put = await fetch(`${sb.baseUrl}/_sandbox/faults`, { method: 'PUT', body: JSON.stringify({ rules: [{ kind: 'http-5xx', status: 502, metaBody: false }] }) });
    expect(put.status).toBe(200);
    expect((await send('966501000033')).status).toBe(502);
    expect(await (await fetch(`${sb.baseUrl}/_sandbox/faults`)).json()).toEqual({ rules: [{ kind: 'http-5xx', status: 502, metaBody: false }] });
    expect(sb.stats().faultsFired).toEqual([1]);
    const bad = await fetch(`${sb.baseUrl}/_sandbox/faults`, { method: 'PUT', body: JSON.stringify({ rules: [{ kind: 'gremlins' }] }) });
    expect(bad.status).toBe(400);
  });

  it('should refuse malformed fault rules with the path of the problem', () => {
    const refuse = (spec: unknown) => {
      try {
        parseFaults(spec);
      } catch (e) {
        return (e as CoreError).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refuse({ rules: [{ kind: 'gremlins' }] })).toMatch(/faults\.rules\[0\]\.kind/);
    expect(refuse({ rules: [{ kind: 'reset', nth: [1], probability: 0.5 }] })).toMatch(/either nth or probability/);
    expect(refuse({ rules: [{ kind: 'error' }] })).toMatch(/rules\[0\]\.code/);
    expect(refuse({ rules: [{ kind: 'slow', delay: 5 }] })).toMatch(/rules\[0\]\.delay: unknown key/);
    expect(refuse('oops')).toMatch(/expected \{ "rules"/);
    expect(() => parseFaults({ rules: [] })).not.toThrow(CoreError);
  });
});
