import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../../core/errors.ts';
import { body, templateMessage, text } from '../../../core/template-message.ts';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import type { SendProblem } from '../../../bot/whatsapp/send-preflight.ts';
import { CATALOG, GRAPH, PNID, SEED_SENDS, TO, TOKEN, accepted } from './graph-fixtures.ts';

const client = new GraphClient({ token: TOKEN, templates: CATALOG, unthrottled: true });
let scope: nock.Scope;

beforeAll(() => nock.disableNetConnect());
// Any request at all would consume this interceptor: the tests assert it is still pending.
beforeEach(() => (scope = nock(GRAPH).post(/.*/).reply(200, accepted())));
afterEach(() => {
  expect(scope.isDone()).toBe(false);
  nock.cleanAll();
});
afterAll(async () => {
  nock.enableNetConnect();
  await client.close();
});

async function refusal(run: () => Promise<unknown>): Promise<{ error: CoreError; problems: SendProblem[] }> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CoreError);
  const core = error as CoreError;
  expect(core.code).toBe('WA_INVALID_SEND');
  return { error: core, problems: core.details.problems as SendProblem[] };
}

const send = (over: Record<string, unknown>) => client.sendTemplate(PNID, { to: TO, template: SEED_SENDS.text!, callbackData: 'send-1', ...over } as never);

describe('sends refused before any request', () => {
  it.each([
    ['a number with no country code', '0501234567'],
    ['a number too short for its country', '+96650123'],
    ['letters', '+9665O1234567'],
    ['nothing', ''],
  ])('should refuse %s', async (_what, to) => {
    const { problems } = await refusal(() => send({ to }));
    expect(problems).toEqual([expect.objectContaining({ field: 'to', code: 'WA_INVALID_PHONE' })]);
  });

  it('should refuse a template with a missing body parameter, naming it and Meta\'s code', async () => {
    const template = templateMessage('order_update', 'en_US', [body(text('Pablo'))]);
    const { error, problems } = await refusal(() => send({ template }));
    expect(problems).toEqual([expect.objectContaining({ field: 'template', code: 'WA_TEMPLATE_PARAMS' })]);
    expect(error.message).toContain('got 1 body parameter(s), expected 3 parameters');
    expect(error.message).toContain('(132000)');
  });

  it('should refuse a parameter of the wrong type', async () => {
    const template = { name: 'order_update_media', language: { code: 'en_US' }, components: [{ type: 'header', parameters: [{ type: 'video', video: { id: '1' } }] }, SEED_SENDS.text!.components![0]] };
    const { error } = await refusal(() => send({ template }));
    expect(error.message).toContain('expected "image"');
  });

  it('should refuse an authentication variable over 15 characters', async () => {
    const template = templateMessage('login_code', 'en_US', [body(text('1234567890123456'))]);
    const { error } = await refusal(() => send({ template }));
    expect(error.message).toContain('got 16 characters, expected at most 15');
  });

  it('should refuse a template the catalog holds as paused, or does not hold at all', async () => {
    expect((await refusal(() => send({ template: templateMessage('spring_sale', 'en_US', [body(text('Sara'))]) }))).error.message).toContain('(132015)');
    expect((await refusal(() => send({ template: templateMessage('no_such_template', 'en_US') }))).error.message).toContain('(132001)');
  });

  it('should refuse template sends when the client has no catalog to check them against', async () => {
    const bare = new GraphClient({ token: TOKEN, unthrottled: true });
    const { error } = await refusal(() => bare.sendTemplate(PNID, { to: TO, template: SEED_SENDS.text!, callbackData: 's' }));
    expect(error.message).toContain('no template definitions');
    await bare.close();
  });

  it('should refuse callback data over 512 characters or missing', async () => {
    expect((await refusal(() => send({ callbackData: 'x'.repeat(513) }))).problems[0]).toMatchObject({ field: 'callbackData', message: expect.stringContaining('513 characters') });
    expect((await refusal(() => send({ callbackData: undefined }))).problems[0]).toMatchObject({ field: 'callbackData' });
  });

  it('should refuse a phone number id that is not one', async () => {
    expect((await refusal(() => client.sendTemplate('../me', { to: TO, template: SEED_SENDS.text!, callbackData: 's' }))).problems[0]).toMatchObject({ field: 'phoneNumberId' });
  });

  it('should list every problem of one send at once', async () => {
    const { problems, error } = await refusal(() => send({ to: '12', callbackData: '', template: templateMessage('order_update', 'en_US') }));
    expect(problems.map((p) => p.field)).toEqual(['to', 'callbackData', 'template']);
    expect(error.message).toMatch(/^send refused before any request: phone number: .*; callbackData: .*; template "order_update": /);
  });

  it('should refuse an empty or oversized text, and a preview flag that is not a boolean', async () => {
    const text = (over: Record<string, unknown>) => client.sendText(PNID, { to: TO, body: 'hi', callbackData: 'r', ...over } as never);
    expect((await refusal(() => text({ body: '   ' }))).problems[0]).toMatchObject({ field: 'body' });
    expect((await refusal(() => text({ body: 'x'.repeat(4097) }))).problems[0]).toMatchObject({ field: 'body', message: expect.stringContaining('4097 characters') });
    expect((await refusal(() => text({ previewUrl: 'yes' }))).problems[0]).toMatchObject({ field: 'previewUrl' });
  });
});

describe('options refused at construction', () => {
  it.each([
    [{ token: '' }, /token/],
    [{ token: TOKEN, throughputMps: 2000 }, /throughputMps.*1000/],
    [{ token: TOKEN, baseUrl: 'ftp://x' }, /baseUrl/],
    [{ token: TOKEN, graphVersion: '23' }, /graphVersion/],
    [{ token: TOKEN, requestTimeoutMs: 0 }, /requestTimeoutMs/],
  ])('should refuse %j', (options, message) => {
    expect(() => new GraphClient(options)).toThrow(message);
  });
});
