// The inbox's pipelined mode: a delivery's events are handed over in order without waiting for each other.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../../core/webhook-event.ts';
import { WebhookInbox } from '../../../bot/whatsapp/webhook-inbox.ts';

const batch = readFileSync(new URL('../../fixtures/webhooks/batch-two-numbers.json', import.meta.url), 'utf8');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('a pipelined inbox', () => {
  it('should hand over every event of a delivery before the first finishes, in order, and replay the delivery if they did not all finish', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inbox-pipelined-'));
    dirs.push(dir);
    const handed: string[] = [];
    const finish: (() => void)[] = [];
    const first = await WebhookInbox.open({ dir, pipelined: true, onEvent: (e) => { handed.push(e.dedupeKey); return new Promise<void>((r) => finish.push(r)); } });
    await first.append(batch, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(handed.length).toBeGreaterThan(1);
    expect(finish).toHaveLength(handed.length);
    finish[0]!();
    // The process dies with the rest unfinished: the next run gets the whole delivery again, in the same order.
    const again: WebhookEvent[] = [];
    const second = await WebhookInbox.open({ dir, pipelined: true, onEvent: (e) => void again.push(e) });
    await second.drained();
    expect(again.map((e) => e.dedupeKey)).toEqual(handed);
    await second.close();
  });
});
