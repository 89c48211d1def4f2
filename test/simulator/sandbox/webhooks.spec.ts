import { afterEach, describe, expect, it } from 'vitest';
import { isOptOutMessage } from '../../../core/opt-out-keywords.ts';
import { HOUR } from '../../../core/time.ts';
import { parseWebhookPayload } from '../../../core/webhook-parser.ts';
import { verifyWebhookSignature } from '../../../lib/webhook-signature.ts';
import type { SandboxOptions } from '../../../simulator/sandbox/sandbox-options.ts';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import { post, recipients, seedBodies, startReceiver, type Receiver } from './helpers.ts';

const SECRET = 'webhook-secret';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(extra: SandboxOptions = {}): Promise<{ sb: Sandbox; rx: Receiver; send: (body: unknown) => Promise<Response> }> {
  const rx = await startReceiver(SECRET);
  const sb = await startSandbox({ seed: 41, appSecret: SECRET, webhookUrl: rx.url, world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 10 } } }, ...extra });
  open.push(sb, rx);
  return { sb, rx, send: (body) => post(sb.baseUrl, `/v23.0/${sb.phoneNumbers[0]!.id}/messages`, sb.token, body) };
}

describe('sandbox webhooks: signing and shape', () => {
  it('should sign every delivery with HMAC-SHA256 of the exact body bytes', async () => {
    const { rx, send } = await setup();
    await send({ ...seedBodies('966501000001').interactive, biz_opaque_callback_data: 'Ω-send-1' });
    await rx.waitFor(() => rx.statuses().length >= 2);
    for (const d of rx.deliveries) {
      expect(d.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(d.valid).toBe(true);
      expect(verifyWebhookSignature('another-secret', d.raw, d.signature)).toBe(false);
    }
  });

  it('should send statuses in Meta\'s shape with the callback data and pricing', async () => {
    const { sb, rx, send } = await setup();
    const res = await send({ ...seedBodies('966501000002').text, biz_opaque_callback_data: 'send-42' });
    const wamid = ((await res.json()) as { messages: { id: string }[] }).messages[0]!.id;
    await rx.waitFor(() => rx.statuses().length >= 2);
    const body = rx.deliveries[0]!.body;
    expect(body.object).toBe('whatsapp_business_account');
    expect(body.entry[0]!.id).toBe(sb.wabaId);
    expect(body.entry[0]!.changes[0]).toMatchObject({
      field: 'messages',
      value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: sb.phoneNumbers[0]!.id } },
    });
    for (const s of rx.statuses()) {
      expect(s).toEqual({
        id: wamid, status: expect.stringMatching(/^(sent|delivered)$/), timestamp: expect.stringMatching(/^\d{10}$/), recipient_id: '966501000002',
        biz_opaque_callback_data: 'send-42', pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
      });
    }
    const parsed = parseWebhookPayload(rx.deliveries[0]!.body);
    expect(parsed.problems).toEqual([]);
    expect(parsed.events[0]).toMatchObject({ kind: 'status', wamid, callbackData: 'send-42', phoneNumberId: sb.phoneNumbers[0]!.id });
  });

  it('should batch the statuses of many messages into few deliveries', async () => {
    const { rx, send } = await setup({ webhook: { batchMs: 100 }, numbers: [{ throughputMps: 1000 }] });
    await Promise.all(recipients(60).map((to) => send(seedBodies(to).text)));
    await rx.waitFor(() => rx.statuses().length >= 120);
    expect(rx.deliveries.length).toBeLessThan(20);
    const sizes = rx.deliveries.map((d) => d.body.entry[0]!.changes.flatMap((c) => (c.value.statuses as unknown[] | undefined) ?? []).length);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
  });
});

describe('sandbox webhooks: retries', () => {
  it('should retry a delivery answered with a non-2xx until it is taken', async () => {
    const { sb, rx, send } = await setup({ webhook: { retry: { baseMs: 10, factor: 2, maxAttempts: 5 } } });
    rx.failNext(2, 503);
    await send(seedBodies('966501000003').text);
    await rx.waitFor(() => sb.stats().webhooks.delivered >= 1);
    await sb.webhooksIdle();
    expect(sb.stats().webhooks).toMatchObject({ failedAttempts: 2, dropped: 0 });
    const firstBody = rx.deliveries[0]!.raw;
    expect(rx.deliveries.filter((d) => d.raw.equals(firstBody)).length).toBe(3);
  });

  it('should give up after the last attempt', async () => {
    const { sb, rx, send } = await setup({ webhook: { batchMs: 50, retry: { baseMs: 5, factor: 1, maxAttempts: 3 } }, world: { audience: 'silent', sentAfter: 5, model: { delivery: { latency: 5 } } } });
    rx.failNext(100, 500);
    await send(seedBodies('966501000004').text);
    await rx.waitFor(() => sb.stats().webhooks.dropped >= 1);
    expect(sb.stats().webhooks.attempts).toBe(3);
  });
});

describe('sandbox webhooks: replies and STOPs', () => {
  it('should send scripted replies as inbound messages in reply to the send, English and Arabic STOPs included', async () => {
    const script = { 966501000005: { reply: 'STOP' }, 966501000006: { reply: 'إيقاف' }, 966501000007: { reply: 'When will it arrive?' } };
    const { sb, rx, send } = await setup({ world: { audience: 'silent', recipients: script, sentAfter: 5, model: { delivery: { latency: 5 }, feedback: { readDelayMean: 5 } } } });
    const wamids: Record<string, string> = {};
    for (const to of Object.keys(script)) wamids[to] = ((await (await send(seedBodies(to).text)).json()) as { messages: { id: string }[] }).messages[0]!.id;
    interface Inbound { from: string; context: { id: string }; text: { body: string } }
    const inbound = () => rx.changes('messages').flatMap((v) => ((v.messages as Inbound[] | undefined) ?? []).map((m) => ({ m, contacts: v.contacts as unknown[] })));
    await rx.waitFor(() => inbound().length >= 3);
    for (const [to, { reply }] of Object.entries(script)) {
      const { m, contacts } = inbound().find((x) => x.m.from === to)!;
      expect(contacts).toContainEqual({ profile: { name: expect.any(String) }, wa_id: to });
      expect(m).toEqual({ from: to, id: expect.stringMatching(/^wamid\./), timestamp: expect.any(String), type: 'text', text: { body: reply }, context: { from: '15550100001', id: wamids[to] } });
      expect(isOptOutMessage(reply)).toBe(reply !== 'When will it arrive?');
    }
    const events = rx.deliveries.flatMap((d) => parseWebhookPayload(d.body).events).filter((e) => e.kind === 'message');
    expect(events.map((e) => e.kind === 'message' && e.optOut).sort()).toEqual([false, true, true]);
    expect(sb.stats().world.stops).toBe(2);
    expect(rx.statuses().filter((s) => s.status === 'read')).toHaveLength(3);
  });

  it('should pass on a message a person writes, over HTTP too', async () => {
    const { sb, rx } = await setup();
    const res = await fetch(`${sb.baseUrl}/_sandbox/inbound`, { method: 'POST', body: JSON.stringify({ from: '+966501000008', text: 'الغاء' }) });
    expect(res.status).toBe(200);
    const v = await rx.waitFor(() => rx.changes('messages').find((x) => x.messages));
    expect((v.messages as { text: { body: string } }[])[0]!.text.body).toBe('الغاء');
  });
});

describe('sandbox webhooks: number, template and account updates', () => {
  it('should flag a number whose quality falls to RED under the 2023 rules', async () => {
    const { sb, rx } = await setup({ world: { policy: 'meta-2023', audience: 'silent' }, numbers: [{ tier: 'TIER_1K' }] });
    sb.driveQuality(sb.phoneNumbers[0]!.id, 'RED');
    const v = await rx.waitFor(() => rx.changes('phone_number_quality_update')[0]);
    expect(v).toEqual({ display_phone_number: '15550100001', event: 'FLAGGED', current_limit: 'TIER_1K', max_daily_conversations_per_business: 'TIER_1K' });
    sb.driveQuality(sb.phoneNumbers[0]!.id, 'GREEN');
    await rx.waitFor(() => rx.changes('phone_number_quality_update').find((x) => x.event === 'UNFLAGGED'));
  });

  it('should upgrade a 2023 number 24 hours after half its limit in 7 days (seed 001 FAQ)', async () => {
    const { sb, rx, send } = await setup({ world: { policy: 'meta-2023', audience: 'silent' }, timeScale: 200_000, numbers: [{ throughputMps: 1000 }] });
    const answers = await Promise.all(recipients(125).map((to) => send(seedBodies(to).text)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const v = await rx.waitFor(() => rx.changes('phone_number_quality_update').find((x) => x.event === 'UPGRADE'), 3000);
    expect(v).toMatchObject({ current_limit: 'TIER_1K', old_limit: 'TIER_250' });
    expect(sb.world.number(sb.phoneNumbers[0]!.id)!.tier).toBe('TIER_1K');
  });

  it('should pause a template rated RED, refuse it with 132015, and approve it again when the pause ends', async () => {
    const { sb, rx, send } = await setup({ timeScale: 60_000 });
    sb.driveTemplateQuality('order_update', 'en_US', 'RED');
    const quality = await rx.waitFor(() => rx.changes('message_template_quality_update')[0]);
    expect(quality).toMatchObject({ previous_quality_score: 'UNKNOWN', new_quality_score: 'RED', message_template_name: 'order_update', message_template_language: 'en_US', message_template_id: expect.any(Number) });
    const paused = await rx.waitFor(() => rx.changes('message_template_status_update').find((v) => v.event === 'PAUSED'));
    expect(paused).toMatchObject({ message_template_name: 'order_update', message_template_category: 'UTILITY', other_info: { title: 'FIRST_PAUSE' } });
    expect(((await (await send(seedBodies('966501000009').text)).json()) as { error: { code: number } }).error.code).toBe(132015);
    const t0 = sb.now();
    const approved = await rx.waitFor(() => rx.changes('message_template_status_update').find((v) => v.event === 'APPROVED'), 2000);
    expect(approved.message_template_name).toBe('order_update');
    expect(sb.now() - t0).toBeLessThan(3 * HOUR + 30 * 60_000);
  });

  it('should tell of a ban in an account_update', async () => {
    const { sb, rx, send } = await setup();
    sb.driveStatus(sb.phoneNumbers[0]!.id, 'BANNED');
    const v = await rx.waitFor(() => rx.changes('account_update')[0]);
    expect(v).toMatchObject({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: expect.any(String) } });
    expect(((await (await send(seedBodies('966501000010').text)).json()) as { error: { code: number } }).error.code).toBe(131031);
    const parsed = rx.deliveries.flatMap((d) => parseWebhookPayload(d.body).events);
    expect(parsed.map((e) => e.kind)).toContain('account-update');
  });
});
