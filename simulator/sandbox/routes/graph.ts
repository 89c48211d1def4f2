/**
 * Meta's paths under any Graph version (`/v19.0/…`, `/v23.0/…`): the Bearer token first (a wrong
 * or missing one is 401 with Meta's OAuth body), then the route. Read routes honour fault rules
 * with `route: "reads"` (server errors, timeouts, resets, slowness).
 * https://developers.facebook.com/docs/graph-api/guides/versioning
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sleep } from '../http-io.ts';
import type { SandboxContext } from './context.ts';
import { applyTransportFault, handleSend } from './messages.ts';
import { readNumber, readPhoneNumbers, readTemplates, readWaba, type ReadAnswer } from './reads.ts';

const VERSIONED = /^\/v\d+\.\d+\/(.+?)\/?$/;

export async function routeGraph(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
  const match = VERSIONED.exec(url.pathname);
  if (!match) {
    const e = ctx.errors.meta(2500, `Unknown path components: ${url.pathname}; expected /vNN.0/<id>/…`, 'Unknown path components');
    return sendJson(res, e.status, e.body);
  }
  if (!authorised(ctx, req, url)) {
    const e = ctx.errors.oauth();
    return sendJson(res, e.status, e.body);
  }
  const parts = match[1]!.split('/');
  const method = req.method ?? 'GET';
  const [id, edge, ...rest] = parts as [string, string | undefined, ...string[]];
  if (method === 'POST' && edge === 'messages' && rest.length === 0) return handleSend(ctx, res, id, body);
  if (method !== 'GET') return answer(res, asRead(ctx.errors.unknownObject(id, method === 'POST' ? 'post' : 'get')));

  ctx.driver.advance();
  const { fault, delayMs } = ctx.faults.forRequest('reads', undefined, url.pathname);
  if (fault && fault.kind !== 'error') return applyTransportFault(ctx, res, fault, delayMs);
  await sleep(delayMs, ctx.timers);
  if (fault?.kind === 'error') return answer(res, asRead(ctx.errors.meta(fault.code, `Injected fault: ${fault.code}.`)));

  const isNumber = ctx.options.numbers.some((n) => n.id === id);
  const isWaba = id === ctx.options.wabaId;
  if (edge === undefined && isNumber) return answer(res, readNumber(ctx, id, url.searchParams));
  if (edge === undefined && isWaba) return answer(res, readWaba(ctx));
  if (edge === 'phone_numbers' && isWaba && rest.length === 0) return answer(res, readPhoneNumbers(ctx, url.searchParams));
  if (edge === 'message_templates' && isWaba && rest.length === 0) {
    const self = `http://${req.headers.host ?? '127.0.0.1'}${url.pathname}${url.search}`;
    return answer(res, readTemplates(ctx, url.searchParams, self));
  }
  return answer(res, asRead(ctx.errors.unknownObject(isNumber || isWaba ? `${id}/${edge ?? ''}` : id)));
}

/** Graph takes the token as `Authorization: Bearer …` or as the `access_token` query parameter. */
function authorised(ctx: SandboxContext, req: IncomingMessage, url: URL): boolean {
  const header = req.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  const token = bearer ?? url.searchParams.get('access_token') ?? undefined;
  return token === ctx.options.token;
}

function asRead(e: { status: number; body: unknown }): ReadAnswer {
  return { status: e.status, body: e.body };
}

function answer(res: ServerResponse, a: ReadAnswer): void {
  sendJson(res, a.status, a.body);
}
