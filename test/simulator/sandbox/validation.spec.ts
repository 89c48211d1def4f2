import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TEMPLATE_JSON } from '../../../core/template.ts';
import { startSandbox, type Sandbox } from '../../../simulator/sandbox/server.ts';
import { post, seedBodies, startReceiver, type Receiver } from './helpers.ts';

const MARKETING = {
  name: 'spring_sale', language: 'en_US', category: 'MARKETING', status: 'APPROVED', quality_score: { score: 'GREEN' },
  components: [{ type: 'BODY', text: 'Hi {{1}}, our spring sale starts today.' }],
};
const LEGACY_AUTH = { name: 'login_code', language: 'en_US', category: 'AUTHENTICATION', status: 'APPROVED', components: [{ type: 'BODY', text: 'Your code is {{1}}.' }] };
const DISABLED = { name: 'old_promo', language: 'en_US', category: 'MARKETING', status: 'DISABLED', components: [{ type: 'BODY', text: 'Old promo' }] };
const PAUSED = { name: 'paused_promo', language: 'en_US', category: 'MARKETING', status: 'PAUSED', components: [{ type: 'BODY', text: 'Paused promo' }] };

interface ErrorBody { error: { message: string; type: string; code: number; error_data: { messaging_product: string; details: string }; fbtrace_id: string } }

let sb: Sandbox;
let rx: Receiver;
let path: string;
let pairPath: string;
const capped = '966501000101';
const absent = '966501000102';

async function send(body: unknown, p = path): Promise<{ status: number; json: Record<string, unknown> & Partial<ErrorBody> }> {
  const res = await post(sb.baseUrl, p, sb.token, body);
  return { status: res.status, json: await res.json() as Record<string, unknown> & Partial<ErrorBody> };
}

const template = (name: string, components: unknown[] = [], to = '966501000001', language = 'en_US') => ({
  messaging_product: 'whatsapp', to, type: 'template', template: { name, language: { code: language }, components },
});

beforeAll(async () => {
  rx = await startReceiver('validation-secret');
  sb = await startSandbox({
    seed: 21, appSecret: 'validation-secret', webhookUrl: rx.url,
    numbers: [{ throughputMps: 1000 }, { throughputMps: 2 }],
    templates: { data: [...SEED_TEMPLATE_JSON, MARKETING, LEGACY_AUTH, DISABLED, PAUSED] },
    world: { audience: 'silent', pairBurst: 1, recipients: { [capped]: { marketingCapped: true }, [absent]: { onWhatsApp: false } }, sentAfter: 5, model: { delivery: { latency: 10 } } },
  });
  path = `/v23.0/${sb.phoneNumbers[0]!.id}/messages`;
  pairPath = `/v23.0/${sb.phoneNumbers[1]!.id}/messages`;
});
afterAll(async () => {
  await sb.close();
  await rx.close();
});

describe('sandbox: request validation with Meta\'s codes', () => {
  it('should answer an error in Meta\'s exact shape', async () => {
    const { status, json } = await send(template('no_such_template'));
    expect(status).toBe(400);
    expect(json).toEqual({
      error: {
        message: '(#132001) Template name does not exist in the translation', type: 'OAuthException', code: 132001,
        error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('no_such_template') }, fbtrace_id: expect.any(String),
      },
    });
  });

  it('should refuse bad JSON, a missing messaging_product and a bad recipient with 100', async () => {
    expect((await send('{"messaging_product": "whatsapp", ')).json.error?.code).toBe(100);
    const { messaging_product: _mp, ...noProduct } = seedBodies().text as Record<string, unknown>;
    expect((await send(noProduct)).json.error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('messaging_product') } });
    expect((await send({ ...seedBodies().text, to: 'call me' })).json.error?.code).toBe(100);
    expect((await send({ ...seedBodies().text, to: '+9669912' })).json.error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('Invalid parameter to') } });
    expect((await send({ ...seedBodies().text, biz_opaque_callback_data: 'x'.repeat(513) })).json.error?.code).toBe(100);
  });

  it('should refuse an unknown template or language with 132001', async () => {
    expect((await send(template('order_update', [], '966501000001', 'ar'))).json.error).toMatchObject({ code: 132001, error_data: { details: expect.stringContaining('exists in en_US') } });
  });

  it('should refuse a parameter count mismatch with 132000', async () => {
    const body = template('order_update', [{ type: 'body', parameters: [{ type: 'text', text: 'Pablo' }] }]);
    expect((await send(body)).json.error?.code).toBe(132000);
  });

  it('should refuse a parameter of the wrong format with 132012', async () => {
    const media = seedBodies().media as { template: { components: unknown[] } };
    const wrong = template('order_update_media', [{ type: 'header', parameters: [{ type: 'location', location: { latitude: '1', longitude: '2' } }] }, media.template.components[1]]);
    expect((await send(wrong)).json.error?.code).toBe(132012);
  });

  it('should refuse a paused template with 132015 and a disabled one with 132016', async () => {
    expect((await send(template('paused_promo'))).json.error?.code).toBe(132015);
    expect((await send(template('old_promo'))).json.error?.code).toBe(132016);
  });

  it('should apply the legacy authentication-template rules with 100', async () => {
    const ok = template('login_code', [{ type: 'body', parameters: [{ type: 'text', text: '482913' }] }], '966501000004');
    expect((await send(ok)).status).toBe(200);
    const long = template('login_code', [{ type: 'body', parameters: [{ type: 'text', text: '4829130000000000' }] }], '966501000005');
    expect((await send(long)).json.error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('at most 15') } });
    const link = template('login_code', [{ type: 'body', parameters: [{ type: 'text', text: 'x.com/a' }] }], '966501000006');
    expect((await send(link)).json.error?.code).toBe(100);
  });

  it('should refuse an unsupported message type and an empty text', async () => {
    expect((await send({ messaging_product: 'whatsapp', to: '966501000001', type: 'sticker', sticker: { id: '1' } })).json.error?.code).toBe(131051);
    expect((await send({ messaging_product: 'whatsapp', to: '966501000001', type: 'text', text: { body: '' } })).json.error?.code).toBe(100);
  });
});

describe('sandbox: platform limits from the world', () => {
  it('should refuse sends over the number\'s throughput with 130429', async () => {
    const results = await Promise.all(['966501000201', '966501000202', '966501000203'].map((to) => send(seedBodies(to).text, pairPath)));
    const codes = results.map((r) => r.json.error?.code ?? r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(2);
    expect(codes.filter((c) => c === 130429)).toHaveLength(1);
  });

  it('should refuse a second message to the same person within the pair interval with 131056', async () => {
    expect((await send(seedBodies('966501000301').text)).status).toBe(200);
    const second = await send(seedBodies('966501000301').location);
    expect(second.json.error).toMatchObject({ code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' });
    expect(sb.received()['966501000301']).toEqual({ accepted: 1, requests: 2 });
  });

  it('should accept, then fail 131049 by webhook, a marketing template to a person at the per-user marketing limit', async () => {
    const { status } = await send({ ...template('spring_sale', [{ type: 'body', parameters: [{ type: 'text', text: 'Sara' }] }], capped), biz_opaque_callback_data: 'mk-1' });
    expect(status).toBe(200);
    const failed = await rx.waitFor(() => rx.statuses().find((s) => s.recipient_id === capped && s.status === 'failed'));
    expect(failed).toMatchObject({ biz_opaque_callback_data: 'mk-1', errors: [{ code: 131049, title: expect.any(String), error_data: { details: expect.any(String) } }] });
    expect(rx.statuses().some((s) => s.recipient_id === capped && s.status !== 'failed')).toBe(false);
  });

  it('should accept, then fail 131026 by webhook, a send to a number not on WhatsApp', async () => {
    expect((await send(seedBodies(absent).text)).status).toBe(200);
    const failed = await rx.waitFor(() => rx.statuses().find((s) => s.recipient_id === absent && s.status === 'failed'));
    expect(failed.errors?.[0]?.code).toBe(131026);
  });

  it('should fail a text outside a customer-service window with 131047 and deliver one inside it', async () => {
    const text = (to: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Your order shipped.' } });
    expect((await send(text('966501000401'))).status).toBe(200);
    await rx.waitFor(() => rx.statuses().find((s) => s.recipient_id === '966501000401' && s.errors?.[0]?.code === 131047));
    sb.inbound('+966501000402', 'Where is my order?', sb.phoneNumbers[0]!.id);
    expect((await send(text('966501000402'))).status).toBe(200);
    const delivered = await rx.waitFor(() => rx.statuses().find((s) => s.recipient_id === '966501000402' && s.status === 'delivered'));
    expect(delivered.pricing).toEqual({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });
  });
});

describe('sandbox: the model\'s enforcement', () => {
  const blockers = Object.fromEntries(['966501000501', '966501000502'].map((w) => [w, { block: true }]));
  // A minute of the world per real millisecond: Meta's reviews (at least a minute apart) come at once.
  const world = (enforcement: object) => ({
    audience: 'silent', recipients: blockers, sentAfter: 5,
    model: { rating: { interval: '1m' }, spamLimit: { rate: 0.5, minSample: 1 }, enforcement: { minNewNegatives: 1, ...enforcement } },
  });

  it('should refuse sends with 131048 once blocks pile up, and show the number RATE_LIMITED', async () => {
    const s = await startSandbox({ seed: 5, timeScale: 60_000, world: world({}) });
    try {
      const p = `/v23.0/${s.phoneNumbers[0]!.id}/messages`;
      for (const to of Object.keys(blockers)) expect((await post(s.baseUrl, p, s.token, seedBodies(to).text)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      const res = await post(s.baseUrl, p, s.token, seedBodies('966501000503').text);
      expect(((await res.json()) as ErrorBody).error.code).toBe(131048);
      expect(s.world.number(s.phoneNumbers[0]!.id)!.status).toBe('RATE_LIMITED');
      expect(s.stats().world.blocks).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('should warn in an account_update at the first strike of the enforcement ladder', async () => {
    const r = await startReceiver('ladder');
    const s = await startSandbox({ seed: 6, appSecret: 'ladder', webhookUrl: r.url, timeScale: 60_000, world: world({ strikeRate: 0.5, minSample: 1, spacing: 0 }) });
    try {
      const p = `/v23.0/${s.phoneNumbers[0]!.id}/messages`;
      for (const to of Object.keys(blockers)) await post(s.baseUrl, p, s.token, seedBodies(to).text);
      const update = await r.waitFor(() => r.changes('account_update')[0]);
      expect(update).toMatchObject({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SPAM' } });
    } finally {
      await s.close();
      await r.close();
    }
  });
});
