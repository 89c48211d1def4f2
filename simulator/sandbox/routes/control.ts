/**
 * `/_sandbox/*`: the sandbox's own routes, for tests and people driving it by hand. Not Meta's API.
 *   GET  /_sandbox/received            { "<wa_id>": { accepted, requests } }
 *   GET  /_sandbox/received/callbacks  { "<biz_opaque_callback_data>": { accepted, requests, waIds } }
 *   GET  /_sandbox/duplicates          { duplicates: [{ waId, key, accepted }] }
 *   GET  /_sandbox/rate                { "<phone_number_id>": { accepted, maxPerSecond, maxPerVirtualSecond } }
 *   GET  /_sandbox/stats               world counts, webhook stats, faults fired
 *   GET|PUT /_sandbox/faults           the fault rules ({ rules: [...] })
 *   POST /_sandbox/quality             { numberId, quality }             force a number's rating
 *   POST /_sandbox/status              { numberId, status }              force a number's status
 *   POST /_sandbox/template-quality    { name, language, quality }       force a template's rating
 *   POST /_sandbox/inbound             { numberId?, from, text }         a user writes (a reply, a STOP)
 *   POST /_sandbox/webhook-url         { url }                           where webhooks go
 */
import { CoreError } from '../../../core/errors.ts';
import type { ReadAnswer } from './reads.ts';

export interface ControlActions {
  received(): unknown;
  receivedByCallbackData(): unknown;
  duplicates(): unknown;
  rate(): unknown;
  stats(): unknown;
  faults(): unknown;
  setFaults(spec: unknown): void;
  driveQuality(numberId: string, quality: string): void;
  driveStatus(numberId: string, status: string): void;
  driveTemplateQuality(name: string, language: string, quality: string): void;
  inbound(from: string, text: string, numberId?: string): void;
  setWebhookUrl(url: string | undefined): void;
}

type Obj = Record<string, unknown>;
const str = (o: Obj, k: string): string => {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw new CoreError('WA_INVALID_ARGUMENT', `${k}: expected a non-empty string`, { value: v });
  return v;
};

export function control(actions: ControlActions, method: string, path: string, rawBody: string): ReadAnswer {
  const get = method === 'GET';
  try {
    if (get && path === '/_sandbox/received') return ok(actions.received());
    if (get && path === '/_sandbox/received/callbacks') return ok(actions.receivedByCallbackData());
    if (get && path === '/_sandbox/duplicates') return ok({ duplicates: actions.duplicates() });
    if (get && path === '/_sandbox/rate') return ok(actions.rate());
    if (get && path === '/_sandbox/stats') return ok(actions.stats());
    if (get && path === '/_sandbox/faults') return ok(actions.faults());
    if (get) return notFound(path);
    const body = parse(rawBody);
    if (path === '/_sandbox/faults') return actions.setFaults(body), ok(actions.faults());
    if (path === '/_sandbox/quality') return actions.driveQuality(str(body, 'numberId'), str(body, 'quality')), ok({ success: true });
    if (path === '/_sandbox/status') return actions.driveStatus(str(body, 'numberId'), str(body, 'status')), ok({ success: true });
    if (path === '/_sandbox/template-quality') return actions.driveTemplateQuality(str(body, 'name'), str(body, 'language'), str(body, 'quality')), ok({ success: true });
    if (path === '/_sandbox/inbound') return actions.inbound(str(body, 'from'), str(body, 'text'), typeof body.numberId === 'string' ? body.numberId : undefined), ok({ success: true });
    if (path === '/_sandbox/webhook-url') return actions.setWebhookUrl(typeof body.url === 'string' ? body.url : undefined), ok({ success: true });
    return notFound(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 400, body: { error: { message, code: error instanceof CoreError ? error.code : 'BAD_REQUEST' } } };
  }
}

function parse(raw: string): Obj {
  if (raw.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new CoreError('WA_INVALID_ARGUMENT', 'the body is not JSON; expected a JSON object');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    if (Array.isArray(v)) return { rules: v };
    throw new CoreError('WA_INVALID_ARGUMENT', 'expected a JSON object');
  }
  return v as Obj;
}

const ok = (body: unknown): ReadAnswer => ({ status: 200, body });
const notFound = (path: string): ReadAnswer => ({ status: 404, body: { error: { message: `no sandbox route ${path}`, code: 'NOT_FOUND' } } });
