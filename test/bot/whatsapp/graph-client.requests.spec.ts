import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  currency, dateTime, headerDocument, headerImage, headerLocation, headerText, headerVideo, quickReplyButton, body, templateMessage, text, urlButton,
} from '../../../core/template-message.ts';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { CATALOG, GRAPH, ORDER_BODY, PNID, SEED_SENDS, TO, TOKEN, WAMID, WA_ID, accepted } from './graph-fixtures.ts';

interface Seen { path: string; body: Record<string, unknown>; headers: Record<string, unknown> }

function interceptSends(reply: (body: Record<string, unknown>) => [number, unknown] = () => [200, accepted()], times = 1): Seen[] {
  const seen: Seen[] = [];
  nock(GRAPH).post(/\/messages$/).times(times).reply(function (path, requestBody) {
    const parsed = requestBody as Record<string, unknown>;
    seen.push({ path, body: parsed, headers: this.req.headers as Record<string, unknown> });
    return reply(parsed);
  });
  return seen;
}

const client = new GraphClient({ token: TOKEN, templates: CATALOG, unthrottled: true });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await client.close();
});

const envelope = (template: unknown, callback = 'send-1') => ({
  messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'template', biz_opaque_callback_data: callback, template,
});

describe('template send requests', () => {
  it('should POST to /v23.0/<phone number id>/messages with the bearer token and a JSON body', async () => {
    const seen = interceptSends();
    const outcome = await client.sendTemplate(PNID, { to: TO, template: SEED_SENDS.text!, callbackData: 'send-1' });
    expect(outcome).toEqual({ kind: 'accepted', wamid: WAMID, waId: WA_ID, messageStatus: 'accepted' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe(`/v23.0/${PNID}/messages`);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toEqual(envelope({ name: 'order_update', language: { code: 'en_US' }, components: [ORDER_BODY] }));
  });

  it.each(Object.entries(SEED_SENDS))('should send seed 004\'s %s request as written', async (_kind, template) => {
    const seen = interceptSends();
    const outcome = await client.sendTemplate(PNID, { to: TO, template, callbackData: 'send-seed' });
    expect(outcome.kind).toBe('accepted');
    expect(seen[0]!.body).toEqual(envelope(template, 'send-seed'));
  });

  const cases: [string, ReturnType<typeof templateMessage>, unknown[]][] = [
    ['an image header by id', templateMessage('order_update_media', 'en_US', [headerImage({ id: '1479537139650973' }), ORDER_BODY as never]),
      [{ type: 'header', parameters: [{ type: 'image', image: { id: '1479537139650973' } }] }, ORDER_BODY]],
    ['a video header by link', templateMessage('promo_video', 'en_US', [headerVideo({ link: 'https://cdn.shop.example/spring.mp4' }), body(text('Sara'))]),
      [{ type: 'header', parameters: [{ type: 'video', video: { link: 'https://cdn.shop.example/spring.mp4' } }] }, { type: 'body', parameters: [{ type: 'text', text: 'Sara' }] }]],
    ['a video header by id', templateMessage('promo_video', 'en_US', [headerVideo({ id: '987654321' }), body(text('Sara'))]),
      [{ type: 'header', parameters: [{ type: 'video', video: { id: '987654321' } }] }, { type: 'body', parameters: [{ type: 'text', text: 'Sara' }] }]],
    ['a document header by link with a file name', templateMessage('invoice_ready', 'en_US', [headerDocument({ link: 'https://cdn.shop.example/inv-77.pdf', filename: 'inv-77.pdf' }), body(text('INV-77'))]),
      [{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://cdn.shop.example/inv-77.pdf', filename: 'inv-77.pdf' } }] }, { type: 'body', parameters: [{ type: 'text', text: 'INV-77' }] }]],
    ['a document header by id', templateMessage('invoice_ready', 'en_US', [headerDocument({ id: '55501' }), body(text('INV-78'))]),
      [{ type: 'header', parameters: [{ type: 'document', document: { id: '55501' } }] }, { type: 'body', parameters: [{ type: 'text', text: 'INV-78' }] }]],
    ['a location header', templateMessage('order_delivery_update', 'en_US', [headerLocation({ latitude: 24.7136, longitude: 46.6753, name: 'Riyadh store' }), body(text('Noura'), text('566702'))]),
      [{ type: 'header', parameters: [{ type: 'location', location: { latitude: 24.7136, longitude: 46.6753, name: 'Riyadh store' } }] }, { type: 'body', parameters: [{ type: 'text', text: 'Noura' }, { type: 'text', text: '566702' }] }]],
    ['currency and date_time body parameters', templateMessage('order_update', 'en_US', [body(text('Omar'), currency('SAR 250.00', 'SAR', 250000), dateTime('1 March 2026'))]),
      [{ type: 'body', parameters: [{ type: 'text', text: 'Omar' }, { type: 'currency', currency: { fallback_value: 'SAR 250.00', code: 'SAR', amount_1000: 250000 } }, { type: 'date_time', date_time: { fallback_value: '1 March 2026' } }] }]],
    ['a text header, a URL button and a quick-reply button', templateMessage('track_shipment', 'ar', [headerText('566703'), body(text('نورة')), urlButton(0, '566703'), quickReplyButton(1, 'STOP_UPDATES')]),
      [
        { type: 'header', parameters: [{ type: 'text', text: '566703' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'نورة' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '566703' }] },
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'STOP_UPDATES' }] },
      ]],
  ];

  it.each(cases)('should send %s', async (_what, template, components) => {
    const seen = interceptSends();
    await client.sendTemplate(PNID, { to: TO, template, callbackData: 'send-2' });
    expect(seen[0]!.body).toEqual(envelope({ name: template.name, language: template.language, components }, 'send-2'));
  });

  it('should send a WhatsApp id (digits) as E.164 with its plus sign', async () => {
    const seen = interceptSends();
    await client.sendTemplate(PNID, { to: '966501234567', template: SEED_SENDS.text!, callbackData: 'send-3' });
    expect(seen[0]!.body.to).toBe('+966501234567');
  });

  it('should honour a configured base URL and Graph version', async () => {
    const other = new GraphClient({ token: TOKEN, templates: CATALOG, unthrottled: true, baseUrl: 'http://sandbox.test:8080/', graphVersion: 'v24.0' });
    const scope = nock('http://sandbox.test:8080').post(`/v24.0/${PNID}/messages`).reply(200, accepted());
    expect((await other.sendTemplate(PNID, { to: TO, template: SEED_SENDS.text!, callbackData: 'send-4' })).kind).toBe('accepted');
    expect(scope.isDone()).toBe(true);
    await other.close();
  });
});

describe('text send requests', () => {
  it('should send text with its body, preview flag and callback data', async () => {
    const seen = interceptSends();
    const outcome = await client.sendText(PNID, { to: TO, body: 'Your order is on its way: https://shop.example/t/1', previewUrl: true, callbackData: 'reply-9' });
    expect(outcome.kind).toBe('accepted');
    expect(seen[0]!.body).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'text', biz_opaque_callback_data: 'reply-9',
      text: { body: 'Your order is on its way: https://shop.example/t/1', preview_url: true },
    });
  });

  it('should leave preview_url out when not asked', async () => {
    const seen = interceptSends();
    await client.sendText(PNID, { to: TO, body: 'شكرا لك', callbackData: 'reply-10' });
    expect(seen[0]!.body.text).toEqual({ body: 'شكرا لك' });
  });
});

describe('accepted responses', () => {
  it('should report a message held for quality assessment as held', async () => {
    interceptSends(() => [200, accepted(WAMID, WA_ID, 'held_for_quality_assessment')]);
    expect(await client.sendTemplate(PNID, { to: TO, template: SEED_SENDS.text!, callbackData: 'send-5' }))
      .toEqual({ kind: 'accepted', wamid: WAMID, waId: WA_ID, messageStatus: 'held' });
  });

  it('should take the wa_id Meta resolved, which may differ from the number sent', async () => {
    interceptSends(() => [200, accepted('wamid.X', '5511987654321')]);
    const outcome = await client.sendTemplate(PNID, { to: TO, template: SEED_SENDS.text!, callbackData: 'send-6' });
    expect(outcome).toMatchObject({ kind: 'accepted', wamid: 'wamid.X', waId: '5511987654321', messageStatus: 'accepted' });
  });
});
