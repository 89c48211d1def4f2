/**
 * End to end over real loopback HTTP: the bot's Cloud API client sends seed 004's four template
 * examples to the sandbox; the sandbox's world sends signed webhooks to the bot's receiver, which
 * journals them and hands core events to the subscriber. Faults on the way must not produce a
 * second copy of any message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialMessageState, mergeStatus, parseDeliveryStatus, type MessageState } from '../../core/message-status.ts';
import type { TemplateMessage } from '../../core/template-message.ts';
import type { WebhookEvent } from '../../core/webhook-event.ts';
import { GraphClient } from '../../bot/whatsapp/graph-client.ts';
import { startWebhookServer, type RunningWebhookServer } from '../../bot/whatsapp/webhook-server.ts';
import { startSandbox, type Sandbox } from '../../simulator/sandbox/server.ts';
import { seedBodies } from '../simulator/sandbox/helpers.ts';

const APP_SECRET = 'e2e-app-secret';
const STOPPER = '966501000099';

let sb: Sandbox;
let receiver: RunningWebhookServer;
let client: GraphClient;
let dir: string;
const events: WebhookEvent[] = [];

async function until<T>(probe: () => T | undefined, ms = 3000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out; ${events.length} events so far`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const statusesOf = (callbackData: string) => events.filter((e): e is Extract<WebhookEvent, { kind: 'status' }> => e.kind === 'status' && e.callbackData === callbackData);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-inbox-'));
  sb = await startSandbox({
    seed: 71, appSecret: APP_SECRET, numbers: [{ throughputMps: 1000 }], webhook: { batchMs: 5 },
    world: { audience: 'silent', recipients: { [STOPPER]: { reply: 'إيقاف' } }, sentAfter: 5, model: { delivery: { latency: 10 }, feedback: { readDelayMean: 10 } } },
  });
  receiver = await startWebhookServer({ dir, appSecret: APP_SECRET, verifyToken: 'verify-me', onEvent: (e) => void events.push(e) });
  sb.setWebhookUrl(receiver.url);
  client = new GraphClient({ token: sb.token, baseUrl: sb.baseUrl, graphVersion: 'v23.0', requestTimeoutMs: 400, unthrottled: true });
});

afterAll(async () => {
  await client.close();
  await sb.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client → sandbox → signed webhooks → receiver → core events', () => {
  it('should read the number and the template catalog through the client', async () => {
    const number = await client.getPhoneNumber(sb.phoneNumbers[0]!.id);
    expect(number).toMatchObject({ kind: 'ok', value: { id: sb.phoneNumbers[0]!.id, status: 'CONNECTED', quality: 'HIGH' } });
    const listing = await client.listTemplates(sb.wabaId);
    if (listing.kind !== 'ok') throw new Error(`listTemplates: ${listing.kind}`);
    expect(listing.value.templates.map((t) => t.name)).toEqual(['order_update', 'order_update_media', 'order_update_buttons', 'order_delivery_update']);
    client.setTemplates(listing.value.templates);
  });

  it('should send seed 004\'s four examples and see each reach delivered as core events', async () => {
    const numberId = sb.phoneNumbers[0]!.id;
    const kinds = ['text', 'media', 'interactive', 'location'] as const;
    const wamids: Record<string, string> = {};
    for (const [i, kind] of kinds.entries()) {
      const to = `+96650100000${i}`;
      const template = seedBodies(to)[kind]!.template as TemplateMessage;
      const outcome = await client.sendTemplate(numberId, { to, template, callbackData: `e2e-${kind}` });
      if (outcome.kind !== 'accepted') throw new Error(`${kind}: ${outcome.kind}`);
      expect(outcome.messageStatus).toBe('accepted');
      wamids[kind] = outcome.wamid;
    }
    for (const kind of kinds) {
      const delivered = await until(() => statusesOf(`e2e-${kind}`).find((e) => e.status === 'delivered'));
      expect(delivered).toMatchObject({ wamid: wamids[kind], phoneNumberId: numberId, wabaId: sb.wabaId, pricing: { category: 'utility', pricingModel: 'PMP' } });
      const state = statusesOf(`e2e-${kind}`).reduce<MessageState>((s, e) => mergeStatus(s, { status: e.status, at: e.at }), initialMessageState(0));
      expect(state.status).toBe('delivered');
    }
    expect(Object.values(sb.received()).every((c) => c.accepted === 1)).toBe(true);
  });

  it('should turn an Arabic STOP reply into an opt-out event that names the send it answers', async () => {
    const outcome = await client.sendTemplate(sb.phoneNumbers[0]!.id, { to: `+${STOPPER}`, template: seedBodies(STOPPER).text!.template as TemplateMessage, callbackData: 'e2e-stop' });
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
    const stop = await until(() => events.find((e) => e.kind === 'message' && e.from === STOPPER));
    expect(stop).toMatchObject({ kind: 'message', text: 'إيقاف', optOut: true, replyTo: outcome.wamid });
    expect(parseDeliveryStatus(statusesOf('e2e-stop').at(-1)!.status)).toBe('read');
  });

  it('should report a processed send whose answer was lost as maybe-sent, and reconcile it by its callback data without a resend', async () => {
    sb.setFaults({ rules: [{ kind: 'timeout', processed: true, holdMs: 5000, times: 1 }] });
    const to = '+966501000050';
    const outcome = await client.sendTemplate(sb.phoneNumbers[0]!.id, { to, template: seedBodies(to).location!.template as TemplateMessage, callbackData: 'e2e-lost' });
    expect(outcome).toMatchObject({ kind: 'maybe-sent' });
    const delivered = await until(() => statusesOf('e2e-lost').find((e) => e.status === 'delivered'));
    expect(delivered.recipientId).toBe('966501000050');
    expect(sb.received()['966501000050']).toEqual({ accepted: 1, requests: 1 });
    expect(sb.duplicates()).toEqual([]);
    sb.setFaults({ rules: [] });
  });

  it('should reject a Meta error as a classified value, and refuse bad input before any request', async () => {
    sb.setFaults({ rules: [{ kind: 'error', code: 131048, times: 1 }] });
    const outcome = await client.sendTemplate(sb.phoneNumbers[0]!.id, { to: '+966501000060', template: seedBodies('966501000060').text!.template as TemplateMessage, callbackData: 'e2e-spam' });
    expect(outcome).toMatchObject({ kind: 'rejected', error: { code: 131048, info: { action: 'stop-number' } } });
    const before = sb.stats().world.accepted;
    await expect(client.sendTemplate(sb.phoneNumbers[0]!.id, { to: '+96650', template: seedBodies('966501000061').text!.template as TemplateMessage, callbackData: 'e2e-bad' })).rejects.toThrow();
    expect(sb.received()['96650']).toBeUndefined();
    expect(sb.stats().world.accepted).toBe(before);
  });

  it('should have verified every delivery\'s signature: the receiver refuses a forged one', async () => {
    const forged = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body: '{"object":"whatsapp_business_account","entry":[]}' });
    expect(forged.status).toBe(401);
    expect(sb.stats().webhooks.failedAttempts).toBe(0);
    expect(sb.stats().webhooks.delivered).toBeGreaterThan(0);
  });
});
