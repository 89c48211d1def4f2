import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { SEED_TEMPLATE_JSON } from '../../../core/template.ts';
import { GRAPH, PNID, TOKEN, WABA, metaError } from './graph-fixtures.ts';

const client = new GraphClient({ token: TOKEN, unthrottled: true });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await client.close();
});

const NUMBER = {
  id: PNID, display_phone_number: '+1 555-078-3881', verified_name: 'Shop Example', status: 'CONNECTED', quality_rating: 'GREEN',
  whatsapp_business_manager_messaging_limit: 'TIER_2K', throughput: { level: 'HIGH' }, name_status: 'APPROVED',
};

describe('reading a phone number', () => {
  it('should ask for the number\'s state fields and parse them with core\'s parsers', async () => {
    let query: Record<string, string> = {};
    nock(GRAPH).get(`/v23.0/${PNID}`).query((q) => ((query = q as Record<string, string>), true)).matchHeader('authorization', `Bearer ${TOKEN}`).reply(200, NUMBER);
    const outcome = await client.getPhoneNumber(PNID);
    expect(query.fields!.split(',')).toEqual(expect.arrayContaining(['status', 'quality_rating', 'whatsapp_business_manager_messaging_limit', 'throughput']));
    expect(outcome).toEqual({
      kind: 'ok',
      value: {
        id: PNID, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Shop Example', status: 'CONNECTED', quality: 'HIGH', tier: 'TIER_2K',
        throughputLevel: 'HIGH', throughputMps: 1000, nameStatus: 'APPROVED', problems: [],
      },
    });
  });

  it('should read the deprecated messaging_limit_tier when asked for it, and the RED/FLAGGED state', async () => {
    nock(GRAPH).get(`/v23.0/${PNID}`).query({ fields: 'status,quality_rating,messaging_limit_tier' })
      .reply(200, { id: PNID, status: 'FLAGGED', quality_rating: 'RED', messaging_limit_tier: 'TIER_1K' });
    const outcome = await client.getPhoneNumber(PNID, ['status', 'quality_rating', 'messaging_limit_tier']);
    expect(outcome).toMatchObject({ kind: 'ok', value: { status: 'FLAGGED', quality: 'LOW', tier: 'TIER_1K' } });
  });

  it('should keep values it does not know out of the typed fields and say so', async () => {
    nock(GRAPH).get(`/v23.0/${PNID}`).query(true).reply(200, { id: PNID, status: 'SOMETHING_NEW', quality_rating: 'YELLOW', whatsapp_business_manager_messaging_limit: 'TIER_NOT_SET' });
    const outcome = await client.getPhoneNumber(PNID);
    expect(outcome.kind === 'ok' && outcome.value).toMatchObject({ quality: 'MEDIUM', problems: [expect.stringContaining('status'), expect.stringContaining('messaging limit')] });
    expect(outcome.kind === 'ok' && outcome.value.status).toBeUndefined();
  });

  it('should report Meta\'s error as a rejection', async () => {
    nock(GRAPH).get(`/v23.0/${PNID}`).query(true).reply(400, metaError(100, 'Unsupported get request'));
    expect(await client.getPhoneNumber(PNID)).toMatchObject({ kind: 'rejected', httpStatus: 400, error: { code: 100, info: { action: 'fix-payload' } } });
  });

  it('should report an answer it cannot read as failed', async () => {
    nock(GRAPH).get(`/v23.0/${PNID}`).query(true).reply(200, 'not json');
    expect(await client.getPhoneNumber(PNID)).toMatchObject({ kind: 'failed', reason: 'unreadable-response', httpStatus: 200 });
  });
});

describe('listing numbers and templates', () => {
  it('should list the account\'s numbers', async () => {
    nock(GRAPH).get(`/v23.0/${WABA}/phone_numbers`).query(true).reply(200, { data: [NUMBER, { ...NUMBER, id: '106540352242923', quality_rating: 'UNKNOWN' }] });
    const outcome = await client.listPhoneNumbers(WABA);
    expect(outcome.kind === 'ok' && outcome.value.map((n) => [n.id, n.quality])).toEqual([[PNID, 'HIGH'], ['106540352242923', 'UNKNOWN']]);
  });

  it('should follow the cursors through every page, on its own URL', async () => {
    const seen: (string | undefined)[] = [];
    const page = (after: string | undefined, items: unknown[], next?: string) => {
      nock(GRAPH).get(`/v23.0/${WABA}/message_templates`).query((q) => q.after === after).reply(() => {
        seen.push(after);
        return [200, { data: items, paging: { cursors: { before: 'b', after: next ?? 'end' }, ...(next && { next: `https://evil.example/v23.0/${WABA}/message_templates?after=${next}` }) } }];
      });
    };
    page(undefined, [SEED_TEMPLATE_JSON[0], SEED_TEMPLATE_JSON[1]], 'c1');
    page('c1', [SEED_TEMPLATE_JSON[2]], 'c2');
    page('c2', [SEED_TEMPLATE_JSON[3], { name: 'flow_signup', language: 'en_US', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hi' }, { type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Sign up' }] }] }]);
    const evil = nock('https://evil.example').get(/.*/).reply(200, {});
    const outcome = await client.listTemplates(WABA);
    expect(seen).toEqual([undefined, 'c1', 'c2']);
    expect(evil.isDone()).toBe(false);
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.value.templates.map((t) => t.name)).toEqual(['order_update', 'order_update_media', 'order_update_buttons', 'order_delivery_update']);
    expect(outcome.value.skipped).toEqual([{ name: 'flow_signup', language: 'en_US', problem: expect.stringContaining('FLOW') }]);
  });

  it('should stop when a cursor repeats instead of looping forever', async () => {
    nock(GRAPH).get(`/v23.0/${WABA}/phone_numbers`).query(true).times(2)
      .reply(200, { data: [NUMBER], paging: { cursors: { after: 'same' }, next: 'https://graph.facebook.com/next' } });
    const outcome = await client.listPhoneNumbers(WABA);
    expect(outcome.kind === 'ok' && outcome.value).toHaveLength(2);
  });

  it('should fail the whole list when a page fails', async () => {
    nock(GRAPH).get(`/v23.0/${WABA}/message_templates`).query((q) => q.after === undefined).reply(200, { data: [SEED_TEMPLATE_JSON[0]], paging: { cursors: { after: 'c1' }, next: 'x' } });
    nock(GRAPH).get(`/v23.0/${WABA}/message_templates`).query((q) => q.after === 'c1').reply(500, metaError(1, 'An unknown error occurred'));
    expect(await client.listTemplates(WABA)).toMatchObject({ kind: 'rejected', httpStatus: 500, error: { code: 1, info: { action: 'retry-soon' } } });
  });

  it('should hand listed templates to the send check', async () => {
    nock(GRAPH).get(`/v23.0/${WABA}/message_templates`).query(true).reply(200, { data: SEED_TEMPLATE_JSON });
    const listed = await client.listTemplates(WABA);
    if (listed.kind !== 'ok') throw new Error('expected templates');
    const sender = new GraphClient({ token: TOKEN, unthrottled: true });
    sender.setTemplates(listed.value.templates);
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(200, { messages: [{ id: 'wamid.1' }] });
    const outcome = await sender.sendTemplate(PNID, { to: '+966501234567', template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } }, { type: 'date_time', date_time: { fallback_value: 'today' } }] }] }, callbackData: 's' });
    expect(outcome.kind).toBe('accepted');
    await sender.close();
  });
});
