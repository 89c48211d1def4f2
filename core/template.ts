/**
 * A message template as Meta stores it, read from the format `GET /<WABA_ID>/message_templates`
 * returns. Only what a send needs is kept: which header, how many body placeholders, which buttons
 * need a parameter. Bad definitions fail with every problem listed, each with its path.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components
 */
import { CoreError, describe } from './errors.ts';
import { parseQuality, type QualityRating } from './quality.ts';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const TEMPLATE_STATUSES = [
  'APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'LIMIT_EXCEEDED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const;
export type HeaderFormat = (typeof HEADER_FORMATS)[number];

export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP'] as const;
export type ButtonType = (typeof BUTTON_TYPES)[number];

/** POSITIONAL is `{{1}}`, `{{2}}`…; NAMED is `{{first_name}}` (sent with `parameter_name`). */
export const PARAMETER_FORMATS = ['POSITIONAL', 'NAMED'] as const;
export type ParameterFormat = (typeof PARAMETER_FORMATS)[number];

export interface TemplateHeader {
  readonly format: HeaderFormat;
  readonly text?: string;
  /** Placeholders in a TEXT header (Meta allows at most one); 0 for media and location headers. */
  readonly paramCount: number;
  readonly paramNames?: readonly string[];
}

export interface TemplateBody {
  readonly text: string;
  readonly paramCount: number;
  /** For NAMED templates: the placeholder names in order of first appearance. */
  readonly paramNames?: readonly string[];
}

export interface TemplateButton {
  readonly type: ButtonType;
  readonly text: string;
  readonly url?: string;
  readonly phoneNumber?: string;
  /**
   * True when a send must carry a parameter for this button: a URL ending in `{{1}}` (the suffix),
   * a one-time-password button (the code) or a copy-code button (the coupon code).
   */
  readonly dynamic: boolean;
}

export interface TemplateDefinition {
  readonly id?: string;
  readonly name: string;
  readonly language: string;
  readonly category: TemplateCategory;
  readonly status: TemplateStatus;
  /** New templates start UNKNOWN. https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-quality/ */
  readonly quality: QualityRating;
  readonly parameterFormat: ParameterFormat;
  readonly header?: TemplateHeader;
  readonly body: TemplateBody;
  readonly footer?: string;
  readonly buttons: readonly TemplateButton[];
}

interface Issue { readonly path: string; readonly message: string }
type Obj = Record<string, unknown>;

const NAME_RE = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_RE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;
const PLACEHOLDER_RE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
/** Meta allows up to 10 buttons per template. */
const MAX_BUTTONS = 10;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse one template in Meta's definition format; throws WA_INVALID_TEMPLATE listing every problem. */
export function parseTemplateDefinition(json: unknown, path = 'template'): TemplateDefinition {
  const issues: Issue[] = [];
  const def = readDefinition(json, path, issues);
  if (!def || issues.length > 0) throw invalidTemplate(issues);
  return def;
}

/** Parse the `{ data: [...] }` page the list endpoint returns. */
export function parseTemplateList(json: unknown): TemplateDefinition[] {
  if (!isObj(json) || !Array.isArray(json.data)) throw invalidTemplate([{ path: 'data', message: `got ${describe(isObj(json) ? json.data : json)}, expected an array of templates` }]);
  const issues: Issue[] = [];
  const defs = json.data.map((t, i) => readDefinition(t, `data[${i}]`, issues));
  if (issues.length > 0) throw invalidTemplate(issues);
  return defs as TemplateDefinition[];
}

/** The definition for a name in one language, as a send names it (`language.code`). */
export function findTemplate(defs: readonly TemplateDefinition[], name: string, language: string): TemplateDefinition | undefined {
  return defs.find((d) => d.name === name && d.language === language);
}

function invalidTemplate(issues: readonly Issue[]): CoreError {
  const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new CoreError('WA_INVALID_TEMPLATE', text, { problems: issues });
}

function readDefinition(json: unknown, path: string, issues: Issue[]): TemplateDefinition | undefined {
  if (!isObj(json)) {
    issues.push({ path, message: `got ${describe(json)}, expected a template object { name, language, category, status, components }` });
    return undefined;
  }
  const name = readString(json, 'name', path, issues, NAME_RE, 'lowercase letters, digits and underscores, like "order_update"');
  const language = readString(json, 'language', path, issues, LANGUAGE_RE, 'a language code like "en_US" or "ar"');
  const category = readEnum(json.category, `${path}.category`, TEMPLATE_CATEGORIES, issues);
  const status = readEnum(json.status, `${path}.status`, TEMPLATE_STATUSES, issues);
  const quality = readQuality(json.quality_score, `${path}.quality_score`, issues);
  const id = json.id === undefined ? undefined : String(json.id);
  const texts: { text: string; path: string }[] = [];
  const parts = readComponents(json.components, `${path}.components`, issues, texts);
  const parameterFormat = resolveFormat(json.parameter_format, `${path}.parameter_format`, texts, issues);
  if (!name || !language || !category || !status || !parts?.body) return undefined;
  return {
    ...(id !== undefined ? { id } : {}),
    name, language, category, status, quality, parameterFormat,
    ...(parts.header ? { header: parts.header } : {}),
    body: parts.body,
    ...(parts.footer !== undefined ? { footer: parts.footer } : {}),
    buttons: parts.buttons,
  };
}

function readString(o: Obj, key: string, path: string, issues: Issue[], re: RegExp, expected: string): string | undefined {
  const v = o[key];
  if (typeof v === 'string' && re.test(v)) return v;
  issues.push({ path: `${path}.${key}`, message: `got ${describe(v)}, expected ${expected}` });
  return undefined;
}

function readEnum<T extends string>(v: unknown, path: string, allowed: readonly T[], issues: Issue[]): T | undefined {
  const up = typeof v === 'string' ? v.trim().toUpperCase() : undefined;
  if (up !== undefined && (allowed as readonly string[]).includes(up)) return up as T;
  issues.push({ path, message: `got ${describe(v)}, expected one of ${allowed.join(', ')}` });
  return undefined;
}

function readQuality(v: unknown, path: string, issues: Issue[]): QualityRating {
  if (v === undefined || v === null) return 'UNKNOWN';
  const score = isObj(v) ? v.score : v;
  try {
    return parseQuality(score);
  } catch {
    issues.push({ path: isObj(v) ? `${path}.score` : path, message: `got ${describe(score)}, expected one of GREEN, YELLOW, RED, UNKNOWN` });
    return 'UNKNOWN';
  }
}

interface Parts { header?: TemplateHeader; body?: TemplateBody; footer?: string; buttons: TemplateButton[] }

function readComponents(v: unknown, path: string, issues: Issue[], texts: { text: string; path: string }[]): Parts | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: `got ${describe(v)}, expected an array of HEADER, BODY, FOOTER and BUTTONS components` });
    return undefined;
  }
  const parts: Parts = { buttons: [] };
  const seen = new Set<string>();
  v.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!isObj(c)) return void issues.push({ path: at, message: `got ${describe(c)}, expected a component object` });
    const type = readEnum(c.type, `${at}.type`, ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'] as const, issues);
    if (!type) return;
    if (seen.has(type)) return void issues.push({ path: `${at}.type`, message: `a second ${type}, expected at most one ${type} component` });
    seen.add(type);
    if (type === 'HEADER') parts.header = readHeader(c, at, issues, texts);
    else if (type === 'BODY') parts.body = readBody(c, at, issues, texts);
    else if (type === 'FOOTER') parts.footer = typeof c.text === 'string' ? c.text : '';
    else parts.buttons = readButtons(c.buttons, `${at}.buttons`, issues);
  });
  if (!seen.has('BODY')) issues.push({ path, message: 'no BODY component, expected exactly one' });
  return parts;
}

function readHeader(c: Obj, at: string, issues: Issue[], texts: { text: string; path: string }[]): TemplateHeader | undefined {
  const format = readEnum(c.format, `${at}.format`, HEADER_FORMATS, issues);
  if (format !== 'TEXT') return format ? { format, paramCount: 0 } : undefined;
  if (typeof c.text !== 'string' || c.text === '') {
    issues.push({ path: `${at}.text`, message: `got ${describe(c.text)}, expected the header text` });
    return undefined;
  }
  texts.push({ text: c.text, path: `${at}.text` });
  const found = placeholders(c.text);
  if (found.length > 1) issues.push({ path: `${at}.text`, message: `${found.length} placeholders, expected at most one in a TEXT header` });
  return { format, text: c.text, ...counted(found, `${at}.text`, issues) };
}

function readBody(c: Obj, at: string, issues: Issue[], texts: { text: string; path: string }[]): TemplateBody | undefined {
  if (typeof c.text !== 'string' || c.text === '') {
    issues.push({ path: `${at}.text`, message: `got ${describe(c.text)}, expected the body text` });
    return undefined;
  }
  texts.push({ text: c.text, path: `${at}.text` });
  return { text: c.text, ...counted(placeholders(c.text), `${at}.text`, issues) };
}

/** Distinct placeholder keys in order of first appearance. */
export function placeholders(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER_RE)) if (!keys.includes(m[1]!)) keys.push(m[1]!);
  return keys;
}

const isPositional = (key: string) => /^\d+$/.test(key);

function counted(keys: readonly string[], path: string, issues: Issue[]): { paramCount: number; paramNames?: readonly string[] } {
  if (keys.length === 0 || !keys.every(isPositional)) return keys.length === 0 ? { paramCount: 0 } : { paramCount: keys.length, paramNames: keys };
  const sorted = keys.map(Number).sort((a, b) => a - b);
  if (sorted.some((n, i) => n !== i + 1)) {
    issues.push({ path, message: `placeholders ${sorted.map((n) => `{{${n}}}`).join(', ')}, expected {{1}} to {{${sorted.length}}} with none missing` });
  }
  return { paramCount: sorted.length };
}

/** `parameter_format` when given, else inferred; a text mixing the two styles is refused. */
function resolveFormat(v: unknown, path: string, texts: readonly { text: string; path: string }[], issues: Issue[]): ParameterFormat {
  const named = texts.some((t) => placeholders(t.text).some((k) => !isPositional(k)));
  const format = v === undefined ? (named ? 'NAMED' : 'POSITIONAL') : readEnum(v, path, PARAMETER_FORMATS, issues) ?? 'POSITIONAL';
  for (const t of texts) {
    const wrong = placeholders(t.text).filter((k) => isPositional(k) !== (format === 'POSITIONAL'));
    if (wrong.length > 0) issues.push({ path: t.path, message: `placeholder {{${wrong[0]}}} in a ${format} template, expected ${format === 'NAMED' ? 'named placeholders like {{first_name}}' : 'numbered placeholders like {{1}}'}` });
  }
  return format;
}

/**
 * Meta stores one-time-password buttons as URL buttons pointing at whatsapp.com/otp (a create
 * request says `OTP`, a read returns `URL`), so such a URL is read back as OTP.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/authentication-templates
 */
const OTP_URL_RE = /^https:\/\/(www\.)?whatsapp\.com\/otp\//;

function readButtons(v: unknown, path: string, issues: Issue[]): TemplateButton[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_BUTTONS) {
    issues.push({ path, message: `got ${describe(v)}, expected an array of 1 to ${MAX_BUTTONS} buttons` });
    return [];
  }
  const out: TemplateButton[] = [];
  v.forEach((b, i) => {
    const at = `${path}[${i}]`;
    if (!isObj(b)) return void issues.push({ path: at, message: `got ${describe(b)}, expected a button object { type, text }` });
    const declared = readEnum(b.type, `${at}.type`, BUTTON_TYPES, issues);
    if (!declared) return;
    const url = typeof b.url === 'string' ? b.url : undefined;
    const type: ButtonType = declared === 'URL' && url !== undefined && OTP_URL_RE.test(url) ? 'OTP' : declared;
    const fixedText = type === 'OTP' || type === 'COPY_CODE';
    if (!fixedText && (typeof b.text !== 'string' || b.text === '')) issues.push({ path: `${at}.text`, message: `got ${describe(b.text)}, expected the button label` });
    const text = typeof b.text === 'string' && b.text !== '' ? b.text : fixedText ? 'Copy code' : '';
    let dynamic = type === 'OTP' || type === 'COPY_CODE';
    if (type === 'URL') {
      if (url === undefined || !/^https?:\/\//.test(url)) issues.push({ path: `${at}.url`, message: `got ${describe(b.url)}, expected a URL like "https://shop.example/track/{{1}}"` });
      else {
        dynamic = /\{\{\s*1\s*\}\}$/.test(url);
        const stray = url.replace(/\{\{\s*1\s*\}\}$/, '').includes('{{');
        if (stray) issues.push({ path: `${at}.url`, message: `got ${describe(url)}, expected at most one placeholder, {{1}}, at the end of the URL` });
      }
    }
    const phone = type === 'PHONE_NUMBER' && typeof b.phone_number === 'string' ? { phoneNumber: b.phone_number } : {};
    out.push({ type, text, ...(url !== undefined ? { url } : {}), ...phone, dynamic });
  });
  return out;
}

/**
 * The four examples of Meta's "Template messages" page (seed 004), as approved en_US templates
 * in the definition format. The page shows only the send requests, so the texts are ours; the
 * placeholders match what those requests send: order_update takes text, currency and date_time,
 * order_delivery_update takes two texts ("Pablo", "566701"). order_delivery_update also has a
 * footer and a quick-reply button, and the page's request sends no button component: a
 * quick-reply payload is optional.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/template-messages/
 */
const ORDER_UPDATE_BODY = { type: 'BODY', text: 'Hi {{1}}, we received your payment of {{2}}. Your order will be delivered on {{3}}.' };
const ORDER_IMAGE_HEADER = { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARb...'] } };

export const SEED_TEMPLATE_JSON: readonly unknown[] = [
  { name: 'order_update', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [ORDER_UPDATE_BODY] },
  { name: 'order_update_media', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: [ORDER_IMAGE_HEADER, ORDER_UPDATE_BODY] },
  {
    name: 'order_update_buttons', language: 'en_US', category: 'UTILITY', status: 'APPROVED',
    components: [ORDER_IMAGE_HEADER, ORDER_UPDATE_BODY, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Track my order' }, { type: 'QUICK_REPLY', text: 'Talk to support' }] }],
  },
  {
    name: 'order_delivery_update', language: 'en_US', category: 'UTILITY', status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'LOCATION' },
      { type: 'BODY', text: 'Good news {{1}}! Your order #{{2}} is on its way to the location above. Thank you for shopping with us.' },
      { type: 'FOOTER', text: 'To stop delivery updates, tap the button below.' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop delivery updates' }] },
    ],
  },
];

export const SEED_TEMPLATES: readonly TemplateDefinition[] = SEED_TEMPLATE_JSON.map((t, i) => parseTemplateDefinition(t, `SEED_TEMPLATE_JSON[${i}]`));
