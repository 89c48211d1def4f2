/**
 * Everything a send is checked for before a request leaves: the recipient's number, the template
 * against its approved definition (parameters, types, the authentication-template rules), the
 * callback data and the text. Every problem is listed at once in one CoreError (`WA_INVALID_SEND`,
 * `details.problems`), so a campaign is fixed before it starts instead of failing message by message.
 */
import { CoreError, describe, invalidArgument } from '../../core/errors.ts';
import { parseMsisdn, type Msisdn } from '../../core/msisdn.ts';
import type { TemplateDefinition } from '../../core/template.ts';
import type { TemplateMessage } from '../../core/template-message.ts';
import { validateTemplateSend } from '../../core/template-validation.ts';
import { checkGraphId } from './graph-transport.ts';

/** `biz_opaque_callback_data` holds at most 512 characters.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages */
export const MAX_CALLBACK_DATA = 512;
/** A text message body holds at most 4,096 characters.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/text-messages */
export const MAX_TEXT_BODY = 4096;

export interface SendProblem {
  readonly field: 'phoneNumberId' | 'to' | 'template' | 'callbackData' | 'body' | 'previewUrl';
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface TemplateSendInput {
  /** E.164 (`+966501234567`) or a WhatsApp id (digits with the country code). */
  readonly to: string;
  readonly template: TemplateMessage;
  /** Our send id, echoed on every status webhook of this message. */
  readonly callbackData: string;
}

export interface TextSendInput {
  readonly to: string;
  readonly body: string;
  readonly previewUrl?: boolean;
  readonly callbackData: string;
}

export interface PreparedSend {
  readonly to: Msisdn;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface TemplateLookup {
  find(name: string, language: string): TemplateDefinition | undefined;
}

export function catalogOf(defs: readonly TemplateDefinition[]): TemplateLookup {
  if (!Array.isArray(defs)) throw invalidArgument('template catalog', `got ${describe(defs)}, expected an array of template definitions (from listTemplates or parseTemplateDefinition)`);
  const byKey = new Map(defs.map((d) => [`${d.name}\u0000${d.language}`, d]));
  return { find: (name, language) => byKey.get(`${name}\u0000${language}`) };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: SendProblem[] = [];
  add(field: SendProblem['field'], error: unknown): void {
    if (error instanceof CoreError) this.list.push({ field, code: error.code, message: error.message, details: error.details });
    else this.list.push({ field, code: 'WA_INVALID_ARGUMENT', message: String(error) });
  }
  check<T>(field: SendProblem['field'], run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      this.add(field, error);
      return undefined;
    }
  }
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const text = this.list.map((p) => p.message).join('; ');
    throw new CoreError('WA_INVALID_SEND', `send refused before any request: ${text}`, { problems: this.list });
  }
}

function checkCallbackData(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_CALLBACK_DATA) {
    throw invalidArgument('callbackData', `got ${describe(value)}${typeof value === 'string' && value !== '' ? ` (${value.length} characters)` : ''}, expected the send id, 1 to ${MAX_CALLBACK_DATA} characters`);
  }
  return value;
}

function recipient(to: unknown): Msisdn {
  // A bare WhatsApp id carries its country code; '+' makes that explicit to the parser and to Meta.
  return parseMsisdn(typeof to === 'string' && /^\d+$/.test(to.trim()) ? `+${to.trim()}` : to);
}

export function prepareTemplateSend(phoneNumberId: unknown, input: TemplateSendInput, catalog: TemplateLookup | undefined): PreparedSend {
  const problems = new Problems();
  problems.check('phoneNumberId', () => checkGraphId(phoneNumberId, 'phone number id'));
  const send: Obj = isObj(input) ? input : {};
  if (!isObj(input)) problems.add('template', invalidArgument('template send', `got ${describe(input)}, expected { to, template, callbackData }`));
  const to = problems.check('to', () => recipient(send.to));
  const callbackData = problems.check('callbackData', () => checkCallbackData(send.callbackData));
  let template: TemplateMessage | undefined;
  const t = send.template;
  const name = isObj(t) && typeof t.name === 'string' ? t.name : '';
  const language = isObj(t) && isObj(t.language) && typeof t.language.code === 'string' ? t.language.code : '';
  if (!catalog) {
    problems.add('template', invalidArgument('template catalog', 'the client has no template definitions to check sends against; pass templates (from listTemplates, or SEED_TEMPLATES in the sandbox)'));
  } else {
    const check = validateTemplateSend(catalog.find(name, language), t);
    if (check.ok) template = check.message;
    else {
      const list = check.problems.map((p) => `${p.path}: ${p.message} (${p.metaCode})`).join('; ');
      problems.add('template', new CoreError('WA_TEMPLATE_PARAMS', `template ${JSON.stringify(name)}: ${list}`, { problems: check.problems }));
    }
  }
  problems.throwIfAny();
  return {
    to: to!,
    payload: { messaging_product: 'whatsapp', recipient_type: 'individual', to: to!, type: 'template', biz_opaque_callback_data: callbackData!, template: template! },
  };
}

export function prepareTextSend(phoneNumberId: unknown, input: TextSendInput): PreparedSend {
  const problems = new Problems();
  problems.check('phoneNumberId', () => checkGraphId(phoneNumberId, 'phone number id'));
  const send: Obj = isObj(input) ? input : {};
  if (!isObj(input)) problems.add('body', invalidArgument('text send', `got ${describe(input)}, expected { to, body, callbackData }`));
  const to = problems.check('to', () => recipient(send.to));
  const callbackData = problems.check('callbackData', () => checkCallbackData(send.callbackData));
  const body = send.body;
  if (typeof body !== 'string' || body.trim() === '' || body.length > MAX_TEXT_BODY) {
    problems.add('body', invalidArgument('text body', `got ${describe(body)}${typeof body === 'string' ? ` (${body.length} characters)` : ''}, expected 1 to ${MAX_TEXT_BODY} characters of text`));
  }
  if (send.previewUrl !== undefined && typeof send.previewUrl !== 'boolean') {
    problems.add('previewUrl', invalidArgument('previewUrl', `got ${describe(send.previewUrl)}, expected true, false or nothing`));
  }
  problems.throwIfAny();
  const text = { body: body as string, ...(send.previewUrl !== undefined && { preview_url: send.previewUrl }) };
  return {
    to: to!,
    payload: { messaging_product: 'whatsapp', recipient_type: 'individual', to: to!, type: 'text', biz_opaque_callback_data: callbackData!, text },
  };
}
