import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { GraphHttpError } from '../../../bot/whatsapp/send-outcome.ts';
import { CATALOG, GRAPH, PNID, SEED_SENDS, TO, TOKEN, WA_ID, accepted, metaError } from './graph-fixtures.ts';

const SEND = { to: TO, template: SEED_SENDS.text!, callbackData: 'send-1' };
const path = `/v23.0/${PNID}/messages`;
const clients: GraphClient[] = [];
const newClient = (extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) => {
  const c = new GraphClient({ token: TOKEN, templates: CATALOG, unthrottled: true, ...extra });
  clients.push(c);
  return c;
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await Promise.all(clients.map((c) => c.close()));
});

describe('Meta errors, by code', () => {
  // One code per action of DOMAIN.md §6, each with the HTTP status Meta typically pairs it with.
  const classes: [number, number, string][] = [
    [130429, 400, 'retry-soon'],
    [131000, 500, 'retry-soon'],
    [131049, 400, 'retry-later'],
    [131026, 400, 'suppress-contact'],
    [131048, 400, 'stop-number'],
    [132015, 400, 'stop-template'],
    [132000, 400, 'fix-payload'],
    [131047, 400, 'needs-template'],
    [131042, 400, 'needs-human'],
    [190, 401, 'needs-human'],
  ];

  it.each(classes)('should report code %i (HTTP %i) as a rejection calling for %s', async (code, httpStatus, action) => {
    nock(GRAPH).post(path).reply(httpStatus, metaError(code, 'title', 'what happened'));
    const outcome = await newClient().sendTemplate(PNID, SEND);
    expect(outcome.kind).toBe('rejected');
    if (outcome.kind !== 'rejected') return;
    expect(outcome.httpStatus).toBe(httpStatus);
    expect(outcome.error).toMatchObject({ code, details: 'what happened', type: 'OAuthException', fbtraceId: 'AbCdEfGhIjKl', info: { code, action } });
  });

  it('should trust the code over the HTTP status: an error body on a 200 is still a rejection', async () => {
    nock(GRAPH).post(path).reply(200, metaError(131026));
    expect((await newClient().sendTemplate(PNID, SEND)).kind).toBe('rejected');
  });
});

describe('answers without a Meta error body', () => {
  it('should call a 5xx without a Meta body maybe-sent: a gateway may answer after Meta took the message', async () => {
    nock(GRAPH).post(path).reply(502, '<html>Bad Gateway</html>');
    const outcome = await newClient().sendTemplate(PNID, SEND);
    expect(outcome).toMatchObject({ kind: 'maybe-sent', reason: 'server-error', httpStatus: 502 });
    expect(outcome.kind === 'maybe-sent' && outcome.cause).toBeInstanceOf(GraphHttpError);
  });

  it('should call a 4xx without a Meta body not sent: the request was refused before Meta', async () => {
    nock(GRAPH).post(path).reply(413, 'Request Entity Too Large');
    expect(await newClient().sendTemplate(PNID, SEND)).toMatchObject({ kind: 'not-sent', reason: 'http-error', httpStatus: 413 });
  });

  it('should not follow a redirect, and call it not sent', async () => {
    const elsewhere = nock('https://elsewhere.example').post(/.*/).reply(200, accepted());
    nock(GRAPH).post(path).reply(307, '', { location: 'https://elsewhere.example/steal' });
    expect(await newClient().sendTemplate(PNID, SEND)).toMatchObject({ kind: 'not-sent', reason: 'http-error', httpStatus: 307 });
    expect(elsewhere.isDone()).toBe(false);
  });

  it('should call a 200 without a message id maybe-sent', async () => {
    nock(GRAPH).post(path).reply(200, { messaging_product: 'whatsapp', contacts: [{ wa_id: WA_ID }] });
    expect(await newClient().sendTemplate(PNID, SEND)).toMatchObject({ kind: 'maybe-sent', reason: 'unreadable-response', httpStatus: 200 });
  });
});

describe('backing off on 130429', () => {
  it('should pause the number for the advised delay and let other numbers send', async () => {
    const client = newClient({ unthrottled: false, throughputMps: 1000, random: () => 0 });
    const times: number[] = [];
    nock(GRAPH).post(path).reply(400, metaError(130429, 'Rate limit hit'));
    nock(GRAPH).post(path).reply(() => (times.push(performance.now()), [200, accepted()]));
    nock(GRAPH).post('/v23.0/106540352242923/messages').reply(200, accepted());

    const rejectedAt = performance.now();
    expect((await client.sendTemplate(PNID, SEND)).kind).toBe('rejected');
    // core's advice for 130429: 1 s, 4 s, 16 s, ±25 %; a draw of 0 gives the low end, 750 ms.
    expect(client.throughputPausedForMs(PNID)).toBeGreaterThan(700);
    expect(client.throughputPausedForMs(PNID)).toBeLessThanOrEqual(750);

    const otherStart = performance.now();
    expect((await client.sendTemplate('106540352242923', SEND)).kind).toBe('accepted');
    expect(performance.now() - otherStart).toBeLessThan(300);

    expect((await client.sendTemplate(PNID, SEND)).kind).toBe('accepted');
    expect(times[0]! - rejectedAt).toBeGreaterThanOrEqual(740);
  });

  it('should pause longer after each consecutive 130429 and start over after a success', async () => {
    let now = 0;
    const client = newClient({ unthrottled: false, random: () => 0, monotonic: () => now });
    const answer = (code?: number) => nock(GRAPH).post(path).reply(code ? 400 : 200, code ? metaError(code) : accepted());
    answer(130429);
    await client.sendTemplate(PNID, SEND);
    expect(client.throughputPausedForMs(PNID)).toBe(750);
    client.setThroughput(PNID, 40); // a new rate keeps the pause
    expect(client.throughputPausedForMs(PNID)).toBe(750);
    now += 1_000;
    answer(130429);
    await client.sendTemplate(PNID, SEND);
    expect(client.throughputPausedForMs(PNID)).toBe(3_000); // 4 s × 0.75
    now += 3_000;
    answer();
    expect((await client.sendTemplate(PNID, SEND)).kind).toBe('accepted');
    now += 1_000;
    answer(130429);
    await client.sendTemplate(PNID, SEND);
    expect(client.throughputPausedForMs(PNID)).toBe(750);
  });

  it('should pause the number during maintenance (131057) too', async () => {
    const now = 0;
    const client = newClient({ unthrottled: false, random: () => 0, monotonic: () => now });
    nock(GRAPH).post(path).reply(400, metaError(131057, 'Account in maintenance mode'));
    await client.sendTemplate(PNID, SEND);
    expect(client.throughputPausedForMs(PNID)).toBe(45_000); // 1 min × 0.75
  });
});

describe('pair rate', () => {
  it('should ask for about 6 s between messages to the same person after a send', async () => {
    const client = newClient({ clock: () => 1_000_000 });
    nock(GRAPH).post(path).reply(200, accepted());
    await client.sendTemplate(PNID, SEND);
    expect(client.pairRateWaitMs(PNID, WA_ID, 1_000_000)).toBe(6_000);
    expect(client.pairRateWaitMs(PNID, TO, 1_004_000)).toBe(2_000);
    expect(client.pairRateWaitMs(PNID, '966501234568', 1_000_000)).toBe(0);
    expect(client.pairRateWaitMs('106540352242923', WA_ID, 1_000_000)).toBe(0);
  });

  it('should back off 1 s then 4 s after 131056 answers', async () => {
    let now = 2_000_000;
    const client = newClient({ clock: () => now });
    nock(GRAPH).post(path).times(2).reply(400, metaError(131056, '(Business Account, Consumer Account) pair rate limit hit'));
    await client.sendTemplate(PNID, SEND);
    expect(client.pairRateWaitMs(PNID, WA_ID, now)).toBe(1_000);
    now += 1_000;
    await client.sendTemplate(PNID, SEND);
    expect(client.pairRateWaitMs(PNID, WA_ID, now)).toBe(4_000);
  });
});
