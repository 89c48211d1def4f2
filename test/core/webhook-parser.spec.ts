import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../core/webhook-event.ts';
import { parseWebhookPayload } from '../../core/webhook-parser.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8'));
const only = (name: string): WebhookEvent => {
  const { events, problems } = parseWebhookPayload(fixture(name));
  expect(problems).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0]!;
};

const WABA = '102290129340398';
const PNID = '106540352242922';
const WAMID = 'wamid.HBgMOTY2NTAxMjM0NTY3FQIAERgSQzVCMjlEQjVDNTc1QjQ0RDBEAA==';

describe('status webhooks', () => {
  it('should read a delivered status with its pricing, callback data and time in ms', () => {
    expect(only('status-delivered')).toEqual({
      kind: 'status', dedupeKey: `status:${WAMID}:delivered`, wabaId: WABA, phoneNumberId: PNID, displayPhoneNumber: '15550783881',
      at: 1750030073_000, wamid: WAMID, status: 'delivered', recipientId: '966501234567', callbackData: 'send-c1-000042',
      pricing: { billable: true, category: 'marketing', type: 'regular', pricingModel: 'PMP' }, errors: [],
    });
  });

  it('should read sent and read statuses of the same message as different updates', () => {
    const sent = only('status-sent');
    const read = only('status-read');
    expect(sent).toMatchObject({ kind: 'status', status: 'sent' });
    expect(read).toMatchObject({ kind: 'status', status: 'read', at: 1750030190_000 });
    expect(sent.dedupeKey).not.toBe(read.dedupeKey);
  });

  it('should carry the errors of a failed status', () => {
    expect(only('status-failed-131049')).toMatchObject({
      kind: 'status', status: 'failed', recipientId: '966501234568', callbackData: 'send-c1-000043',
      errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: expect.stringContaining('healthy ecosystem') }],
    });
  });

  it('should read every update of a batch, each stamped with the number it came for', () => {
    const { events, problems } = parseWebhookPayload(fixture('batch-two-numbers'));
    expect(problems).toEqual([]);
    expect(events.map((e) => [e.kind, 'phoneNumberId' in e ? e.phoneNumberId : undefined])).toEqual([
      ['status', PNID], ['status', PNID], ['status', '106540352242923'], ['message', '106540352242923'],
    ]);
  });

  it('should read 1,000 statuses of one delivery', () => {
    const statuses = Array.from({ length: 1000 }, (_, i) => ({ id: `wamid.${i}`, status: 'delivered', timestamp: '1750030073', recipient_id: `9665012${String(i).padStart(5, '0')}` }));
    const body = { object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value: { metadata: { phone_number_id: PNID }, statuses } }] }] };
    const { events } = parseWebhookPayload(body);
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(1000);
  });
});

describe('inbound messages', () => {
  it('should read a text reply with the sender name and the message it answers', () => {
    expect(only('message-text-reply')).toMatchObject({
      kind: 'message', from: '966501234567', contactName: 'Sara', type: 'text', text: 'When will it arrive?', replyTo: WAMID, optOut: false,
      at: 1750030200_000, phoneNumberId: PNID, dedupeKey: expect.stringMatching(/^message:wamid\./),
    });
  });

  it('should mark STOP and «إيقاف» as opt-outs', () => {
    expect(only('message-stop')).toMatchObject({ kind: 'message', text: 'STOP', optOut: true, contactName: 'Omar' });
    expect(only('message-stop-arabic')).toMatchObject({ kind: 'message', text: 'إيقاف', optOut: true });
  });

  it('should read a quick-reply tap with its label and payload', () => {
    expect(only('message-button')).toMatchObject({ kind: 'message', type: 'button', text: 'Track my order', payload: 'track-order-1234', optOut: false });
  });

  it('should read a changed number with the new WhatsApp id', () => {
    expect(only('system-user-changed-number')).toMatchObject({ kind: 'user-changed-number', from: '966501234567', newWaId: '966551234567' });
  });

  it('should read an identity change with its hash', () => {
    expect(only('system-user-identity-changed')).toMatchObject({ kind: 'user-identity-changed', from: '966501234571', identityHash: 'GbK/6mK+ZYg=' });
  });
});

describe('account-level webhooks', () => {
  it('should read a number quality update, preferring max_daily_conversations_per_business', () => {
    expect(only('phone-number-quality-update')).toMatchObject({
      kind: 'number-quality', wabaId: WABA, displayPhoneNumber: '15550783881', event: 'UPGRADE', currentLimit: 'TIER_2K', oldLimit: 'TIER_250', at: 1750031000_000,
    });
    expect(only('phone-number-quality-flagged')).toMatchObject({ event: 'FLAGGED', currentLimit: 'TIER_1K' });
  });

  it('should read a template pause with its title', () => {
    expect(only('message-template-status-update')).toMatchObject({
      kind: 'template-status', templateId: '594425479261596', name: 'order_update', language: 'en_US', event: 'PAUSED', status: 'PAUSED',
      reason: 'NONE', detail: { title: 'FIRST_PAUSE' },
    });
  });

  it('should read a template quality change in our rating names', () => {
    expect(only('message-template-quality-update')).toMatchObject({ kind: 'template-quality', previousQuality: 'HIGH', newQuality: 'MEDIUM', name: 'order_update' });
  });

  it('should read violations, restrictions with their expiry, and bans', () => {
    expect(only('account-update-violation')).toMatchObject({ kind: 'account-update', event: 'ACCOUNT_VIOLATION', violationType: 'SCAM', restrictions: [] });
    expect(only('account-update-restriction')).toMatchObject({
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: 1750120400_000 }, { type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiresAt: 1750120400_000 }],
    });
    expect(only('account-update-disabled')).toMatchObject({ event: 'DISABLED_UPDATE', banState: 'DISABLE', banDate: '2025-06-17' });
  });
});

describe('duplicates', () => {
  it('should give every copy of a delivery the same keys', () => {
    for (const name of ['status-delivered', 'message-stop', 'phone-number-quality-update', 'message-template-status-update', 'account-update-restriction']) {
      const a = parseWebhookPayload(fixture(name)).events.map((e) => e.dedupeKey);
      const b = parseWebhookPayload(fixture(name)).events.map((e) => e.dedupeKey);
      expect(a).toEqual(b);
    }
  });

  it('should tell two different account updates apart', () => {
    const a = only('phone-number-quality-update').dedupeKey;
    const b = only('phone-number-quality-flagged').dedupeKey;
    expect(a).not.toBe(b);
  });
});

describe('what is skipped, never thrown', () => {
  it('should skip an unknown field and say so', () => {
    const { events, problems } = parseWebhookPayload(fixture('business-capability-update'));
    expect(events).toEqual([]);
    expect(problems).toEqual([expect.stringContaining('"business_capability_update" is not one this tool reads')]);
  });

  it('should refuse payloads of another object or shape', () => {
    expect(parseWebhookPayload({ object: 'page', entry: [] }).problems[0]).toContain('expected "whatsapp_business_account"');
    expect(parseWebhookPayload('nope').problems[0]).toContain('payload');
    expect(parseWebhookPayload({ object: 'whatsapp_business_account', entry: {} }).problems[0]).toContain('entry');
  });

  it('should skip a bad update and keep the good ones next to it', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: WABA, changes: [{ field: 'messages', value: { metadata: { phone_number_id: PNID }, statuses: [
        { id: 'wamid.a', status: 'exploded', timestamp: '1750030073', recipient_id: '1' },
        { id: 'wamid.b', status: 'sent', timestamp: '1750030073', recipient_id: '2', unknown_field: { deep: true } },
      ] } }] }],
    };
    const { events, problems } = parseWebhookPayload(body);
    expect(events.map((e) => e.dedupeKey)).toEqual(['status:wamid.b:sent']);
    expect(problems).toEqual([expect.stringContaining('statuses[0].status')]);
  });

  it('should fall back to the entry time, then the arrival time, when an update has no timestamp', () => {
    const value = { metadata: { phone_number_id: PNID }, statuses: [{ id: 'wamid.c', status: 'sent', recipient_id: '3' }] };
    const withEntryTime = { object: 'whatsapp_business_account', entry: [{ id: WABA, time: 1750030000, changes: [{ field: 'messages', value }] }] };
    const withoutTime = { object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value }] }] };
    expect(parseWebhookPayload(withEntryTime).events[0]!.at).toBe(1750030000_000);
    expect(parseWebhookPayload(withoutTime, { receivedAt: 42 }).events[0]!.at).toBe(42);
    expect(parseWebhookPayload(withoutTime).problems[0]).toContain('no timestamp');
  });

  it('should never throw, whatever the body', () => {
    fc.assert(fc.property(fc.anything(), (body) => {
      const parsed = parseWebhookPayload(body);
      expect(Array.isArray(parsed.events) && Array.isArray(parsed.problems)).toBe(true);
    }), { numRuns: 300 });
  });

  it('should never throw on a real payload with any field replaced by any value', () => {
    const base = fixture('batch-two-numbers');
    const paths = collectPaths(base);
    fc.assert(fc.property(fc.constantFrom(...paths), fc.anything(), (path, value) => {
      const body = structuredClone(base) as Record<string, unknown>;
      setPath(body, path, value);
      const parsed = parseWebhookPayload(body);
      for (const e of parsed.events) expect(typeof e.dedupeKey).toBe('string');
    }), { numRuns: 300 });
  });
});

function collectPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => collectPaths(v, [...prefix, k]))].filter((p) => p.length > 0);
}

function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}
