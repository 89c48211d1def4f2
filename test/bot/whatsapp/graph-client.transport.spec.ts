// Not sent vs maybe sent, over real loopback sockets (no nock in this file).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, MockAgent, errors } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../bot/whatsapp/graph-client.ts';
import { classifyTransportFailure } from '../../../bot/whatsapp/send-outcome.ts';
import { CATALOG, PNID, SEED_SENDS, TO, TOKEN, accepted } from './graph-fixtures.ts';

const SEND = { to: TO, template: SEED_SENDS.text!, callbackData: 'send-1' };
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function client(baseUrl: string, extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}): GraphClient {
  const c = new GraphClient({ token: TOKEN, templates: CATALOG, unthrottled: true, baseUrl, ...extra });
  cleanups.push(() => c.close());
  return c;
}

describe('certainly not sent', () => {
  it('should call a refused connection not sent', async () => {
    const outcome = await client(`http://127.0.0.1:${await freePort()}`).sendTemplate(PNID, SEND);
    expect(outcome).toMatchObject({ kind: 'not-sent', reason: 'connection-refused' });
  });

  it('should call a connect timeout not sent', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('https://graph.facebook.com').intercept({ path: `/v23.0/${PNID}/messages`, method: 'POST' }).replyWithError(new errors.ConnectTimeoutError());
    const outcome = await client('https://graph.facebook.com', { dispatcher: mock }).sendTemplate(PNID, SEND);
    expect(outcome).toMatchObject({ kind: 'not-sent', reason: 'connect-timeout' });
    await mock.close();
  });

  it('should call a DNS failure not sent', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND graph.facebook.com'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    mock.get('https://graph.facebook.com').intercept({ path: `/v23.0/${PNID}/messages`, method: 'POST' }).replyWithError(dns);
    expect(await client('https://graph.facebook.com', { dispatcher: mock }).sendTemplate(PNID, SEND)).toMatchObject({ kind: 'not-sent', reason: 'dns-failure' });
    await mock.close();
  });
});

describe('maybe sent', () => {
  it('should call a connection reset after the request was read maybe sent', async () => {
    const server = await serve((req) => req.socket.destroy());
    const outcome = await client(server.url).sendTemplate(PNID, SEND);
    expect(outcome.kind).toBe('maybe-sent');
    expect(['socket-error', 'connection-reset']).toContain(outcome.kind === 'maybe-sent' && outcome.reason);
    expect(JSON.parse(server.bodies[0]!).biz_opaque_callback_data).toBe('send-1'); // the server did get it
  });

  it('should call a server that never answers maybe sent when our timeout fires', async () => {
    const server = await serve(() => undefined);
    const dispatcher = new Agent();
    cleanups.push(() => dispatcher.destroy());
    const outcome = await client(server.url, { requestTimeoutMs: 300, dispatcher }).sendTemplate(PNID, SEND);
    expect(outcome).toMatchObject({ kind: 'maybe-sent', reason: 'request-timeout' });
    expect(server.bodies).toHaveLength(1);
  });

  // undici's own timers tick about every 500 ms: these two run side by side.
  it.concurrent('should call undici\'s headers timeout maybe sent', async () => {
    const server = await serve(() => undefined);
    const dispatcher = new Agent({ headersTimeout: 50 });
    cleanups.push(() => dispatcher.destroy());
    expect(await client(server.url, { requestTimeoutMs: 5_000, dispatcher }).sendTemplate(PNID, SEND)).toMatchObject({ kind: 'maybe-sent', reason: 'headers-timeout' });
  });

  it.concurrent('should call a body that stops half-way maybe sent, even under a 200', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"messaging_product":"whatsapp",');
    });
    const dispatcher = new Agent({ bodyTimeout: 50 });
    cleanups.push(() => dispatcher.destroy());
    expect(await client(server.url, { requestTimeoutMs: 5_000, dispatcher }).sendTemplate(PNID, SEND)).toMatchObject({ kind: 'maybe-sent', reason: 'body-timeout' });
  });

  it('should still accept an answer that is slow but in time', async () => {
    const server = await serve((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(accepted())), 100));
    expect((await client(server.url, { requestTimeoutMs: 2_000 }).sendTemplate(PNID, SEND)).kind).toBe('accepted');
  });
});

describe('classifying what fetch threw', () => {
  const wrapped = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
  const sys = (code: string, syscall?: string) => Object.assign(new Error(code), { code, ...(syscall && { syscall }) });

  it.each([
    [wrapped(sys('ECONNREFUSED', 'connect')), 'not-sent', 'connection-refused'],
    [wrapped(sys('EHOSTUNREACH', 'connect')), 'not-sent', 'connect-failed'],
    [wrapped(sys('EAI_AGAIN', 'getaddrinfo')), 'not-sent', 'dns-failure'],
    [wrapped(sys('CERT_HAS_EXPIRED')), 'not-sent', 'tls-failure'],
    [wrapped(Object.assign(new AggregateError([sys('ECONNREFUSED', 'connect'), sys('ENETUNREACH', 'connect')]), { code: 'ECONNREFUSED' })), 'not-sent', 'connection-refused'],
    [wrapped(new AggregateError([sys('ECONNREFUSED', 'connect'), sys('ECONNRESET', 'read')])), 'maybe-sent', 'unknown-failure'],
    [wrapped(sys('ECONNRESET', 'read')), 'maybe-sent', 'connection-reset'],
    [wrapped(sys('EPIPE', 'write')), 'maybe-sent', 'connection-reset'],
    [wrapped(new errors.SocketError('other side closed')), 'maybe-sent', 'socket-error'],
    [wrapped(new errors.HeadersTimeoutError()), 'maybe-sent', 'headers-timeout'],
    [wrapped(new errors.BodyTimeoutError()), 'maybe-sent', 'body-timeout'],
    [wrapped(sys('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC')), 'maybe-sent', 'unknown-failure'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'maybe-sent', 'request-timeout'],
    [new Error('something nobody expected'), 'maybe-sent', 'unknown-failure'],
  ])('should classify %s', (error, kind, reason) => {
    expect(classifyTransportFailure(error)).toMatchObject({ kind, reason });
  });
});
