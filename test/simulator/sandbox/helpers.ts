/**
 * Test helpers for the sandbox: a loopback webhook receiver that checks every delivery's HMAC with
 * the app secret, and the seed-004 request bodies with real values filled in.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../../lib/webhook-signature.ts';

export interface Delivery {
  readonly raw: Buffer;
  readonly body: WebhookBody;
  readonly signature: string | undefined;
  readonly valid: boolean;
  readonly at: number;
}

export interface WebhookBody {
  readonly object: string;
  readonly entry: readonly { readonly id: string; readonly changes: readonly { readonly field: string; readonly value: Record<string, unknown> }[] }[];
}

export interface StatusItem {
  readonly id: string;
  readonly status: string;
  readonly recipient_id: string;
  readonly timestamp: string;
  readonly biz_opaque_callback_data?: string;
  readonly pricing?: Record<string, unknown>;
  readonly errors?: readonly { readonly code: number; readonly title: string; readonly error_data: { readonly details: string } }[];
}

export interface Receiver {
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Answer the next `n` deliveries with this status (then 200 again). */
  failNext(n: number, status?: number): void;
  statuses(): StatusItem[];
  changes(field: string): Record<string, unknown>[];
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startReceiver(appSecret: string): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let failing = 0;
  let failStatus = 500;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
      const valid = verifyWebhookSignature(appSecret, raw, signature);
      deliveries.push({ raw, body: JSON.parse(raw.toString('utf8')) as WebhookBody, signature, valid, at: performance.now() });
      if (failing > 0) {
        failing--;
        res.writeHead(failStatus).end();
        return;
      }
      res.writeHead(valid ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  const changes = (field: string) => deliveries.flatMap((d) => d.body.entry.flatMap((e) => e.changes.filter((c) => c.field === field).map((c) => c.value)));
  return {
    url,
    deliveries,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    statuses: () => changes('messages').flatMap((v) => (v.statuses as StatusItem[] | undefined) ?? []),
    changes,
    async waitFor(probe, timeoutMs = 3000) {
      const until = performance.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v !== undefined && v !== false) return v as never;
        if (performance.now() > until) throw new Error(`waitFor: timed out after ${timeoutMs} ms (${deliveries.length} deliveries)`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export const SEED_RECIPIENT = '12245554792';

/** Seed 004's four request bodies (text, media, interactive buttons, location) with real values. */
export function seedBodies(to = SEED_RECIPIENT): Record<string, Record<string, unknown>> {
  const body = {
    type: 'body',
    parameters: [
      { type: 'text', text: 'Pablo' },
      { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
      { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
    ],
  };
  const image = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://shop.example/images/order-566701.jpg' } }] };
  const envelope = (name: string, components: unknown[]) => ({
    messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'template',
    template: { name, language: { code: 'en_US' }, components },
  });
  return {
    text: envelope('order_update', [body]),
    media: envelope('order_update_media', [image, body]),
    interactive: envelope('order_update_buttons', [
      image, body,
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'TRACK-566701' }] },
      { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'SUPPORT-566701' }] },
    ]),
    location: envelope('order_delivery_update', [
      { type: 'header', parameters: [{ type: 'location', location: { latitude: '37.483307', longitude: '122.148981', name: 'Pablo Morales', address: '1 Hacker Way, Menlo Park, CA 94025' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Pablo' }, { type: 'text', text: '566701' }] },
    ]),
  };
}

/** Distinct valid Saudi mobile numbers, as wa_ids. */
export function recipients(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => `96650${String(1000000 + offset + i).padStart(7, '0')}`);
}

export function post(base: string, path: string, token: string | undefined, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(base: string, path: string, token?: string): Promise<Response> {
  return fetch(`${base}${path}`, { headers: token !== undefined ? { authorization: `Bearer ${token}` } : {} });
}
