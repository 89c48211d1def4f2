/**
 * `POST /vNN.0/<PHONE_NUMBER_ID>/messages`: check the request, let fault rules interfere, ask the
 * world, count what was accepted, answer in Meta's shapes (DOMAIN §8).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/message-api
 */
import type { ServerResponse } from 'node:http';
import type { RequestFault } from '../faults.ts';
import { resetConnection, sendJson, sendText, sleep } from '../http-io.ts';
import { parseSendBody, type ParsedSend } from '../send-request.ts';
import type { WorldAnswer } from '../world.ts';
import type { SandboxContext } from './context.ts';

export async function handleSend(ctx: SandboxContext, res: ServerResponse, numberId: string, body: string): Promise<void> {
  ctx.driver.advance();
  const check = parseSendBody(body, ctx.catalog);
  const waId = check.ok ? check.send.waId : check.waId;
  const callbackData = check.ok ? check.send.callbackData : check.callbackData;
  if (waId !== undefined) ctx.ledger.recordRequest(waId, callbackData);
  const { fault, delayMs } = ctx.faults.forRequest('messages', waId, check.ok ? check.send.key : body);
  const transport = fault && fault.kind !== 'error' ? fault : undefined;

  let answer: WorldAnswer | undefined;
  if (!check.ok) {
    if (!transport) return respondError(ctx, res, check.code, check.details, delayMs);
  } else if (!ctx.options.numbers.some((n) => n.id === numberId)) {
    if (!transport) return respond(ctx, res, ctx.errors.unknownObject(numberId, 'post'), delayMs);
  } else if (fault?.kind === 'error' && fault.via === 'response') {
    return respondError(ctx, res, fault.code, `Injected fault: ${fault.code}.`, delayMs);
  } else if (!transport || transport.processed) {
    answer = submit(ctx, numberId, check.send, fault?.kind === 'error' ? fault.code : undefined);
  }

  if (transport) return applyTransportFault(ctx, res, transport, delayMs);
  if (!check.ok || !answer) return;
  if (!answer.ok) return respondError(ctx, res, answer.code, answer.details, delayMs);
  const ok = {
    messaging_product: 'whatsapp',
    contacts: [{ input: check.send.input, wa_id: check.send.waId }],
    messages: [{ id: answer.wamid, message_status: answer.held ? 'held_for_quality_assessment' : 'accepted' }],
  };
  await sleep(delayMs, ctx.timers);
  sendJson(res, 200, ok);
}

function submit(ctx: SandboxContext, numberId: string, send: ParsedSend, failWith: number | undefined): WorldAnswer {
  const answer = ctx.world.submit({
    numberId,
    waId: send.waId,
    type: send.type,
    ...(send.template ? { template: { name: send.template.name, language: send.template.language, category: send.template.category } } : {}),
    ...(send.callbackData !== undefined ? { callbackData: send.callbackData } : {}),
    ...(failWith !== undefined ? { failWith } : {}),
  });
  if (answer.ok) {
    ctx.ledger.recordAccepted({
      numberId, waId: send.waId, key: send.key, realAt: performance.now(), virtualAt: ctx.driver.virtualNow(),
      ...(send.callbackData !== undefined ? { callbackData: send.callbackData } : {}),
    });
  }
  // Events the send caused at once (e.g. a template pause) go out without waiting for a tick.
  ctx.driver.advance();
  return answer;
}

async function respondError(ctx: SandboxContext, res: ServerResponse, code: number, details: string, delayMs: number): Promise<void> {
  await respond(ctx, res, ctx.errors.meta(code, details), delayMs);
}

async function respond(ctx: SandboxContext, res: ServerResponse, error: { status: number; body: unknown }, delayMs: number): Promise<void> {
  await sleep(delayMs, ctx.timers);
  sendJson(res, error.status, error.body);
}

/** Drop, hold or fail the response as a transport fault says (after its delay). */
export async function applyTransportFault(ctx: SandboxContext, res: ServerResponse, fault: Exclude<RequestFault, { kind: 'error' }>, delayMs: number): Promise<void> {
  await sleep(delayMs, ctx.timers);
  switch (fault.kind) {
    case 'reset':
      return resetConnection(res);
    case 'timeout': {
      ctx.held.add(res);
      const t = setTimeout(() => {
        ctx.timers.delete(t);
        ctx.held.delete(res);
        res.socket?.destroy();
      }, fault.holdMs);
      ctx.timers.add(t);
      res.on('close', () => {
        clearTimeout(t);
        ctx.timers.delete(t);
        ctx.held.delete(res);
      });
      return;
    }
    case 'http-5xx': {
      if (!fault.metaBody) return sendText(res, fault.status, `<html><body><h1>${fault.status} Server Error</h1></body></html>`, 'text/html; charset=UTF-8');
      const e = ctx.errors.meta(fault.status === 500 ? 131000 : 2, 'Injected server error.');
      return sendJson(res, fault.status, e.body);
    }
  }
}
