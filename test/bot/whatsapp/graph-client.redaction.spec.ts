import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/log.ts';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { CATALOG, GRAPH, PNID, SEED_SENDS, TO, TOKEN, accepted, metaError } from './graph-fixtures.ts';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the access token in logs', () => {
  it('should never appear in any line the client logs, whatever happens to the send', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
    const client = new GraphClient({ token: TOKEN, templates: CATALOG, logger, throughputMps: 1000, random: () => 0.5 });
    const send = { to: TO, template: SEED_SENDS.text!, callbackData: 'send-1' };

    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(200, accepted());
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(401, metaError(190, 'Error validating access token: Session has expired'));
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(400, metaError(131056, 'pair rate limit hit'));
    nock(GRAPH).post(`/v23.0/${PNID}/messages`).reply(502, 'Bad Gateway');
    nock(GRAPH).get(`/v23.0/${PNID}`).query(true).reply(400, metaError(100, 'Unsupported get request'));
    await client.sendTemplate(PNID, send);
    await client.sendTemplate(PNID, send);
    await client.sendTemplate(PNID, send);
    await client.sendTemplate(PNID, send);
    await client.sendTemplate(PNID, send); // no interceptor left: nock refuses the connection
    await client.sendText(PNID, { to: TO, body: 'hello', callbackData: 'reply-1' });
    await client.getPhoneNumber(PNID);
    // Someone logging the client's options through the project logger is covered too.
    logger.info({ options: { token: TOKEN, baseUrl: GRAPH }, headers: { authorization: `Bearer ${TOKEN}` } }, 'options');
    await client.close();

    const out = lines.join('');
    expect(out).toContain('whatsapp send accepted');
    expect(out).toContain('whatsapp send rejected');
    expect(out).toContain('whatsapp send maybe-sent');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(TOKEN.slice(4, 20));
  });
});
