/**
 * Check a `POST /<PHONE_NUMBER_ID>/messages` body the way the Cloud API does before it accepts
 * anything: the envelope (messaging_product, recipient, type), the callback data, and for a
 * template the match with its definition, through core's validator (132001, 132000, 132012,
 * 132015, 132016, 100). A refused request is a value carrying Meta's code and details.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/template-messages/
 */
import { CoreError, describe } from '../../core/errors.ts';
import { parseMsisdn, toWaId } from '../../core/msisdn.ts';
import type { TemplateCategory } from '../../core/template.ts';
import type { TemplateMessage } from '../../core/template-message.ts';
import { validateTemplateSend, type TemplateProblem } from '../../core/template-validation.ts';
import type { TemplateCatalog } from './template-catalog.ts';

export interface ParsedSend {
  /** `to` as sent, echoed as `contacts[0].input`. */
  readonly input: string;
  readonly waId: string;
  readonly type: 'template' | 'text';
  readonly template?: { readonly name: string; readonly language: string; readonly category: TemplateCategory; readonly message: TemplateMessage };
  readonly text?: string;
  readonly callbackData?: string;
  /** What makes two sends "the same send" for duplicate counting. */
  readonly key: string;
}

export type SendCheck =
  | { readonly ok: true; readonly send: ParsedSend }
  /** `waId` is set when the recipient was readable, so the refusal still counts as a request to them. */
  | { readonly ok: false; readonly code: number; readonly details: string; readonly waId?: string; readonly callbackData?: string };

/** `biz_opaque_callback_data` holds at most 512 characters.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages */
const MAX_CALLBACK_DATA = 512;
/** A text message body holds at most 4,096 characters.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages */
const MAX_TEXT_BODY = 4096;
/** When a send has several problems, Meta reports one; the most fundamental goes first. */
const CODE_PRIORITY = [100, 132001, 132016, 132015, 132000, 132012, 132005];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseSendBody(raw: string, catalog: TemplateCatalog): SendCheck {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, code: 100, details: 'The request body is not valid JSON; expected a message object like {"messaging_product":"whatsapp","to":"…","type":"template",…}.' };
  }
  return checkSend(body, catalog);
}

export function checkSend(body: unknown, catalog: TemplateCatalog): SendCheck {
  if (!isObj(body)) return { ok: false, code: 100, details: `Got ${describe(body)}; expected a message object.` };
  const callbackData = typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined;
  const recipient = readRecipient(body.to);
  const refuse = (code: number, details: string): SendCheck => ({
    ok: false, code, details, ...(recipient.waId ? { waId: recipient.waId } : {}), ...(callbackData !== undefined ? { callbackData } : {}),
  });
  if (body.messaging_product !== 'whatsapp') return refuse(100, `The parameter messaging_product is required and must be "whatsapp"; got ${describe(body.messaging_product)}.`);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') return refuse(100, `Param recipient_type must be "individual"; got ${describe(body.recipient_type)}.`);
  if (!recipient.waId) return refuse(100, recipient.problem);
  if (body.biz_opaque_callback_data !== undefined && (callbackData === undefined || callbackData.length > MAX_CALLBACK_DATA)) {
    return refuse(100, `Param biz_opaque_callback_data must be a string of at most ${MAX_CALLBACK_DATA} characters; got ${describe(body.biz_opaque_callback_data)}.`);
  }
  const type = body.type ?? 'text';
  const base = { input: recipient.input, waId: recipient.waId, ...(callbackData !== undefined ? { callbackData } : {}) };
  if (type === 'text') {
    const text = isObj(body.text) ? body.text.body : undefined;
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_BODY) return refuse(100, `Param text.body must be a non-empty string of at most ${MAX_TEXT_BODY} characters; got ${describe(text)}.`);
    return { ok: true, send: { ...base, type: 'text', text, key: callbackData ?? `text:${text}` } };
  }
  if (type !== 'template') return refuse(131051, `Message type ${describe(type)} is not modelled by the sandbox; expected "template" or "text".`);
  const t = isObj(body.template) ? body.template : undefined;
  const name = typeof t?.name === 'string' ? t.name : '';
  const language = isObj(t?.language) && typeof t.language.code === 'string' ? t.language.code : '';
  const check = validateTemplateSend(catalog.find(name, language), body.template);
  if (!check.ok) return refuse(...firstProblem(check.problems, name, language, catalog));
  const def = catalog.find(name, language)!;
  const message = check.message;
  return { ok: true, send: { ...base, type: 'template', template: { name, language, category: def.category, message }, key: callbackData ?? `template:${name}:${language}:${JSON.stringify(message.components ?? [])}` } };
}

function readRecipient(to: unknown): { waId?: string; input: string; problem: string } {
  const input = typeof to === 'string' ? to : '';
  if (typeof to !== 'string' || to.trim() === '') return { input, problem: `The parameter to is required: the recipient's phone number in international form like "+966501234567"; got ${describe(to)}.` };
  // The API takes `to` with or without "+"; digits alone are read as international here.
  const text = /^\s*\d/.test(to) ? `+${to.trim()}` : to;
  try {
    return { waId: toWaId(parseMsisdn(text)), input, problem: '' };
  } catch (error) {
    const why = error instanceof CoreError ? error.message : String(error);
    return { input, problem: `Invalid parameter to: ${why}` };
  }
}

function firstProblem(problems: readonly TemplateProblem[], name: string, language: string, catalog: TemplateCatalog): [number, string] {
  const ranked = [...problems].sort((a, b) => rank(a.metaCode) - rank(b.metaCode));
  const top = ranked[0]!;
  const same = ranked.filter((p) => p.metaCode === top.metaCode).map((p) => `${p.path}: ${p.message}`);
  if (top.metaCode === 132001 && name !== '') {
    const others = catalog.languagesOf(name).filter((l) => l !== language);
    if (others.length > 0) same.push(`template "${name}" exists in ${others.join(', ')}`);
  }
  return [top.metaCode, same.join('; ')];
}

function rank(code: number): number {
  const i = CODE_PRIORITY.indexOf(code);
  return i < 0 ? CODE_PRIORITY.length : i;
}
