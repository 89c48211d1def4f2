// The durable inbox: nothing acknowledged is lost, nothing processed is handed over twice.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../../core/webhook-event.ts';
import { signWebhookBody } from '../../../lib/webhook-signature.ts';
import { WebhookInbox } from '../../../bot/whatsapp/webhook-inbox.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8');
const statusBody = (i: number) => fixture('status-read').replace(/wamid\.[^"]+/, `wamid.m${i}`);
const dirs: string[] = [];
const inboxes: WebhookInbox[] = [];
afterEach(async () => {
  for (const inbox of inboxes.splice(0)) await inbox.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'webhook-inbox-'));
  dirs.push(d);
  return d;
}

async function openInbox(dir: string, extra: Partial<Parameters<typeof WebhookInbox.open>[0]> = {}): Promise<{ inbox: WebhookInbox; events: WebhookEvent[] }> {
  const events: WebhookEvent[] = [];
  const inbox = await WebhookInbox.open({ dir, onEvent: (e) => void events.push(e), ...extra });
  inboxes.push(inbox);
  return { inbox, events };
}

const wamids = (events: readonly WebhookEvent[]) => events.map((e) => (e.kind === 'status' ? e.wamid : e.kind));

describe('after a crash', () => {
  it('should replay what was acknowledged but not processed', async () => {
    const dir = await tempDir();
    // First run: the subscriber hangs, as if the process died while processing.
    const first = await WebhookInbox.open({ dir, onEvent: () => new Promise<void>(() => undefined) });
    await first.append(statusBody(1), 1);
    await first.append(statusBody(2), 2);
    // ...the process is gone: no close(), no cursor saved. A new run opens the same directory.
    const { inbox, events } = await openInbox(dir);
    await inbox.drained();
    expect(wamids(events)).toEqual(['wamid.m1', 'wamid.m2']);
  });

  it('should not replay what was processed, and still drop a late duplicate of it', async () => {
    const dir = await tempDir();
    const run1 = await openInbox(dir);
    await run1.inbox.append(statusBody(1), 1);
    await run1.inbox.drained();
    await run1.inbox.close();
    const run2 = await openInbox(dir);
    await run2.inbox.drained();
    expect(run2.events).toEqual([]);
    await run2.inbox.append(statusBody(1), 3); // Meta redelivers after the restart
    await run2.inbox.append(statusBody(2), 4);
    await run2.inbox.drained();
    expect(wamids(run2.events)).toEqual(['wamid.m2']);
  });

  it('should survive SIGKILL right after answering 200', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/receiver-child.ts', import.meta.url)), dir, 'child-secret'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (line: Buffer) => resolve((JSON.parse(line.toString()) as { url: string }).url));
        child.once('exit', (code) => reject(new Error(`receiver exited early (${code})`)));
      });
      const body = fixture('message-stop');
      const response = await fetch(url, { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody('child-secret', body) }, body });
      expect(response.status).toBe(200);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
    const { inbox, events } = await openInbox(dir);
    await inbox.drained();
    expect(events).toEqual([expect.objectContaining({ kind: 'message', text: 'STOP', optOut: true })]);
  }, 15_000);

  it('should drop a torn last line (never acknowledged) and write on in a new segment', async () => {
    const dir = await tempDir();
    const run1 = await WebhookInbox.open({ dir, onEvent: () => new Promise<void>(() => undefined) });
    await run1.append(statusBody(1), 1);
    const segment = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    appendFileSync(join(dir, segment), '{"receivedAt":2,"body":"{\\"object\\":');
    const { inbox, events } = await openInbox(dir);
    await inbox.append(statusBody(3), 3);
    await inbox.drained();
    expect(wamids(events)).toEqual(['wamid.m1', 'wamid.m3']);
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the journal', () => {
  it('should roll over to new segments and delete the processed ones', async () => {
    const dir = await tempDir();
    const { inbox, events } = await openInbox(dir, { maxSegmentBytes: 4_000 });
    for (let i = 0; i < 20; i++) await inbox.append(statusBody(i), i);
    await inbox.drained();
    await inbox.close();
    expect(events).toHaveLength(20);
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-')).length).toBeLessThanOrEqual(2);
    const again = await openInbox(dir);
    await again.inbox.drained();
    expect(again.events).toEqual([]);
  });

  it('should write concurrent deliveries together and keep their order', async () => {
    const dir = await tempDir();
    const { inbox, events } = await openInbox(dir);
    await Promise.all(Array.from({ length: 100 }, (_, i) => inbox.append(statusBody(i), i)));
    await inbox.drained();
    expect(wamids(events)).toEqual(Array.from({ length: 100 }, (_, i) => `wamid.m${i}`));
  });

  it('should retry a failing subscriber, then set the event aside and go on', async () => {
    const dir = await tempDir();
    let calls = 0;
    const seen: string[] = [];
    const { inbox } = await openInbox(dir, {
      retryDelaysMs: [1, 1],
      onEvent: (e) => {
        calls++;
        if (e.kind === 'status' && e.wamid === 'wamid.m1') throw new Error('ledger unavailable');
        seen.push(e.dedupeKey);
      },
    });
    await inbox.append(statusBody(1), 1);
    await inbox.append(statusBody(2), 2);
    await inbox.drained();
    expect(calls).toBe(4); // three tries for m1, one for m2
    expect(seen).toEqual(['status:wamid.m2:read']);
    const dead = readFileSync(join(dir, 'dead-letter.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: WebhookEvent; error: string });
    expect(dead).toEqual([{ event: expect.objectContaining({ dedupeKey: 'status:wamid.m1:read' }), error: 'ledger unavailable' }]);
  });

  it('should refuse appends once closed', async () => {
    const dir = await tempDir();
    const { inbox } = await openInbox(dir);
    await inbox.close();
    await expect(inbox.append('{}', 1)).rejects.toThrow(/closed/);
  });
});
