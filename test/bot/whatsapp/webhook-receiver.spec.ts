// The webhook receiver over real loopback HTTP, with its durable inbox in a temporary directory.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../../core/webhook-event.ts';
import { signWebhookBody } from '../../../lib/webhook-signature.ts';
import { startWebhookServer, type RunningWebhookServer } from '../../../bot/whatsapp/webhook-server.ts';

const APP_SECRET = 'app-secret-for-tests';
const VERIFY_TOKEN = 'verify-me-please';
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8');

let dir = '';
let server: RunningWebhookServer;
const events: WebhookEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webhook-receiver-'));
  server = await startWebhookServer({ dir, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, onEvent: (e) => void events.push(e) });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => void (events.length = 0));

const journalBytes = () => readdirSync(dir).filter((f) => f.startsWith('segment-')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

async function post(body: string | Buffer, headers: Record<string, string> = { 'x-hub-signature-256': signWebhookBody(APP_SECRET, body) }): Promise<{ status: number; text: string }> {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

describe('verification handshake', () => {
  const get = (query: string) => fetch(`${server.url}?${query}`).then(async (r) => ({ status: r.status, text: await r.text() }));

  it('should echo the challenge when the mode and token match', async () => {
    expect(await get(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`)).toEqual({ status: 200, text: '1158201444' });
  });

  it.each([
    ['a wrong token', `hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`],
    ['another mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
    ['no challenge', `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`],
    ['nothing', ''],
  ])('should answer 403 to %s', async (_what, query) => {
    expect((await get(query)).status).toBe(403);
  });
});

describe('signed deliveries', () => {
  it('should answer 200 and hand the parsed events over', async () => {
    expect(await post(fixture('status-delivered'))).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
    await server.inbox.drained();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'status', status: 'delivered', callbackData: 'send-c1-000042' });
  });

  it('should hand over every new update of a batch, in order', async () => {
    await post(fixture('batch-two-numbers'));
    await server.inbox.drained();
    // The batch repeats the delivered status of the test above: handed over once, so not again.
    expect(events.map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual(['sent', 'read', 'message']);
    expect(events.map((e) => ('phoneNumberId' in e ? e.phoneNumberId : ''))).toEqual(['106540352242922', '106540352242923', '106540352242923']);
  });

  it('should hand over a STOP as an opt-out', async () => {
    await post(fixture('message-stop-arabic'));
    await server.inbox.drained();
    expect(events).toEqual([expect.objectContaining({ kind: 'message', optOut: true })]);
  });

  it('should accept a field it does not read and hand nothing over', async () => {
    expect((await post(fixture('business-capability-update'))).status).toBe(200);
    await server.inbox.drained();
    expect(events).toEqual([]);
  });

  it('should hand a duplicate delivery\'s events over once', async () => {
    const body = fixture('account-update-restriction');
    const before = server.inbox.duplicatesDropped;
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    await server.inbox.drained();
    expect(events.map((e) => e.kind)).toEqual(['account-update']);
    expect(server.inbox.duplicatesDropped).toBe(before + 1);
  });

  it('should store concurrent deliveries and hand every one over', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => fixture('status-read').replace('"read"', '"read"').replace(/wamid\.[^"]+/, `wamid.concurrent-${i}`));
    const statuses = await Promise.all(bodies.map((b) => post(b).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await server.inbox.drained();
    expect(new Set(events.map((e) => (e.kind === 'status' ? e.wamid : ''))).size).toBe(50);
  });
});

describe('refused deliveries change nothing', () => {
  const body = fixture('status-sent');

  it.each([
    ['no signature', {}],
    ['a signature with another secret', { 'x-hub-signature-256': signWebhookBody('not-the-secret', body) }],
    ['a signature of another body', { 'x-hub-signature-256': signWebhookBody(APP_SECRET, `${body} `) }],
    ['a malformed signature', { 'x-hub-signature-256': 'sha256=xyz' }],
  ])('should answer 401 to %s', async (_what, headers) => {
    const bytes = journalBytes();
    expect((await post(body, headers)).status).toBe(401);
    await server.inbox.drained();
    expect(events).toEqual([]);
    expect(journalBytes()).toBe(bytes);
  });

  it('should answer 400 to malformed JSON, even signed', async () => {
    const bytes = journalBytes();
    expect((await post('{"object":"whatsapp_business_account",')).status).toBe(400);
    expect(journalBytes()).toBe(bytes);
  });

  it('should answer 413 to a body over 3 MB without reading it', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    const bytes = journalBytes();
    expect((await post(big)).status).toBe(413);
    expect(journalBytes()).toBe(bytes);
  });

  it('should answer 413 to an oversized body sent without a length, as soon as it passes the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 16 && req.write(chunk)) sent++;
        if (sent < 16) req.once('drain', () => (sent++, pump()));
        else req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('should answer 404 elsewhere and 405 to other methods', async () => {
    expect((await fetch(server.url.replace('/webhooks/whatsapp', '/elsewhere'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'PUT', body: '{}' })).status).toBe(405);
  });
});
