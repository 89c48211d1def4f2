import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { GraphMessageSender } from '../../../bot/whatsapp/graph-message-sender.ts';
import { body, templateMessage, text } from '../../../core/template-message.ts';
import { CATALOG, GRAPH, PNID, SEED_SENDS, TOKEN, WAMID, WA_ID, accepted, metaError } from './graph-fixtures.ts';

const client = new GraphClient({ token: TOKEN, templates: CATALOG, unthrottled: true });
const sender = new GraphMessageSender(client);
const request = { sendId: 'c1:000042', numberId: PNID, to: WA_ID, template: SEED_SENDS.text! };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await client.close();
});

describe('the campaign runner\'s sender port', () => {
  it('should send the runner\'s send id as callback data and report held messages', async () => {
    let seen: Record<string, unknown> = {};
    nock(GRAPH).post(`/v23.0/${PNID}/messages`, (b) => ((seen = b), true)).reply(200, accepted(WAMID, WA_ID, 'held_for_quality_assessment'));
    expect(await sender.send(request)).toEqual({ kind: 'accepted', wamid: WAMID, held: true });
    expect(seen).toMatchObject({ to: `+${WA_ID}`, biz_opaque_callback_data: 'c1:000042' });
  });

  it('should pass Meta\'s code, classification and details on', async () => {
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(400, metaError(131049, 'healthy ecosystem', 'not delivered'));
    expect(await sender.send(request)).toMatchObject({ kind: 'rejected', code: 131049, info: { action: 'retry-later' }, details: 'not delivered' });
  });

  it('should keep not-sent and maybe-sent apart', async () => {
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(503, 'unavailable');
    expect(await sender.send(request)).toEqual({ kind: 'maybe-sent', reason: 'server-error' });
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(429, 'slow down');
    expect(await sender.send(request)).toEqual({ kind: 'not-sent', reason: 'http-error' });
  });

  it('should turn a refusal before sending into the rejection Meta would have given', async () => {
    const paused = await sender.send({ ...request, template: templateMessage('spring_sale', 'en_US', [body(text('Sara'))]) });
    expect(paused).toMatchObject({ kind: 'rejected', code: 132015, info: { action: 'stop-template' }, details: expect.stringContaining('refused before sending') });
    const mismatch = await sender.send({ ...request, template: templateMessage('order_update', 'en_US', [body(text('Sara'))]) });
    expect(mismatch).toMatchObject({ kind: 'rejected', code: 132000, info: { action: 'fix-payload' } });
    const badNumber = await sender.send({ ...request, to: '12' });
    expect(badNumber).toMatchObject({ kind: 'rejected', code: 100, info: { action: 'fix-payload' } });
  });
});
