/**
 * A local stand-in for Slack: the Web API (`/api/<method>`, every call recorded with its decoded
 * arguments), response URLs (`/respond/<n>`), file upload URLs, and helpers that sign requests the
 * way Slack does (`v0:<timestamp>:<body>`, HMAC-SHA256 with the signing secret) and POST them to
 * the bot's `/slack/events`.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
}

export interface FakeSlack {
  readonly url: string;
  readonly apiUrl: string;
  readonly calls: ApiCall[];
  /** Bodies posted to response URLs, in order. */
  readonly responses: Record<string, unknown>[];
  readonly uploads: { readonly path: string; readonly bytes: number }[];
  groupMembers: Record<string, string[]>;
  responseUrl(): string;
  reset(): void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function decode(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
  if (!type.includes('x-www-form-urlencoded')) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ApiCall[] = [];
  const responses: Record<string, unknown>[] = [];
  const uploads: { path: string; bytes: number }[] = [];
  let base = '';
  let n = 0;
  const fake: FakeSlack = {
    url: '', apiUrl: '', calls, responses, uploads, groupMembers: {},
    responseUrl: () => `${base}/respond/${++n}`,
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      uploads.length = 0;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'chat.postMessage': return { ok: true, channel: args.channel, ts: `${Date.now() / 1000}` };
      case 'conversations.open': return { ok: true, channel: { id: 'D0DIRECT' } };
      case 'files.getUploadURLExternal': return { ok: true, upload_url: `${base}/upload/F${calls.length}`, file_id: `F${calls.length}` };
      case 'files.completeUploadExternal': return { ok: true, files: [{ id: 'F1' }] };
      case 'usergroups.users.list': return { ok: true, users: fake.groupMembers[String(args.usergroup)] ?? [] };
      case 'auth.test': return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
      default: return { ok: true };
    }
  };
  const server: Server = createServer((req, res) => {
    void body(req).then((raw) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/api/')) {
        const method = path.slice('/api/'.length);
        const args = decode(req, raw);
        calls.push({ method, args });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(method, args)));
      } else if (path.startsWith('/respond/')) {
        responses.push(decode(req, raw));
        res.writeHead(200).end('ok');
      } else if (path.startsWith('/upload/')) {
        uploads.push({ path, bytes: raw.length });
        res.writeHead(200).end('OK');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, { url: base, apiUrl: `${base}/api/` });
}

export function sign(secret: string, body: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(ts) };
}

export interface Poster {
  command(text: string, user?: string, channel?: string): Promise<Response>;
  press(action: 'wa_accept' | 'wa_reject', pendingId: string, user?: string, channel?: string): Promise<Response>;
  event(event: Record<string, unknown>): Promise<Response>;
  raw(body: string, type: string, headers: Record<string, string>): Promise<Response>;
}

export function poster(botUrl: string, secret: string, slack: FakeSlack): Poster {
  const post = (body: string, type: string, headers: Record<string, string> = sign(secret, body)) =>
    fetch(`${botUrl}/slack/events`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
  const form = 'application/x-www-form-urlencoded';
  return {
    command: (text, user = 'UADMIN', channel = 'COPS') => post(new URLSearchParams({
      token: 'legacy', team_id: 'T1', team_domain: 'acme', channel_id: channel, channel_name: 'ops', user_id: user, user_name: user.toLowerCase(),
      command: '/wa', text, api_app_id: 'A1', response_url: slack.responseUrl(), trigger_id: `trigger-${Date.now()}`,
    }).toString(), form),
    press: (action, pendingId, user = 'UADMIN', channel = 'COPS') => post(new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions', team: { id: 'T1' }, user: { id: user }, api_app_id: 'A1', token: 'legacy', trigger_id: 'trigger-2',
        channel: { id: channel }, container: { type: 'message' }, response_url: slack.responseUrl(),
        actions: [{ type: 'button', action_id: action, block_id: 'wa_confirm', value: pendingId, action_ts: `${Date.now() / 1000}` }],
      }),
    }).toString(), form),
    event: (event) => post(JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${Date.now()}`, event_time: Math.floor(Date.now() / 1000), event }), 'application/json'),
    raw: (body, type, headers) => post(body, type, headers),
  };
}
